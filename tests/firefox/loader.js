// The body of the autoconfig file tests/firefox/run writes (after the line
// defining cinderHarness, cinderInput and cinderOutput). Firefox evaluates
// it with chrome privileges before the profile's prefs are read; it waits
// for the first browser window, then loads the harness as an ES module from
// resource://cinder-test/ and quits Firefox when the harness is done.

Services.obs.addObserver(function cinderStart(_subject, topic) {
  Services.obs.removeObserver(cinderStart, topic);
  const quit = () =>
    Services.startup.quit(Components.interfaces.nsIAppStartup.eForceQuit);
  try {
    const dir = Components.classes["@mozilla.org/file/local;1"].createInstance(
      Components.interfaces.nsIFile
    );
    dir.initWithPath(cinderHarness);
    Services.io
      .getProtocolHandler("resource")
      .QueryInterface(Components.interfaces.nsIResProtocolHandler)
      .setSubstitution("cinder-test", Services.io.newFileURI(dir));
    const { run } = ChromeUtils.importESModule(
      "resource://cinder-test/harness.sys.mjs"
    );
    run(cinderInput, cinderOutput).finally(quit);
  } catch (e) {
    // The harness could not even start: leave a note the test can show.
    const file = Components.classes["@mozilla.org/file/local;1"].createInstance(
      Components.interfaces.nsIFile
    );
    file.initWithPath(cinderOutput);
    const stream = Components.classes[
      "@mozilla.org/network/file-output-stream;1"
    ].createInstance(Components.interfaces.nsIFileOutputStream);
    stream.init(file, 0x02 | 0x08 | 0x20, 0o644, 0);
    const text = JSON.stringify({ fatal: `${e}\n${e.stack || ""}` });
    stream.write(text, text.length);
    stream.close();
    quit();
  }
}, "browser-delayed-startup-finished");
