/* The checks cinder's Firefox test runs inside Firefox (loaded by the
 * autoconfig file tests/firefox/run writes). It points Firefox's own update
 * URL templates at the local server, asks Firefox's own code what it makes
 * of the answers, and writes what Firefox returned as JSON for the Rust test
 * (tests/integration/firefox/) to compare with the served documents:
 *
 *   system add-ons  ProductAddonChecker.getProductAddonList and
 *                   XPIProvider.updateSystemAddons (the requests it opens)
 *   GMP             GMPInstallManager.checkForAddons and installAddon
 *   features        ProductAddonChecker.getProductAddonList on the system
 *                   add-on template with the features product in its path
 *   broken answers  the same parsers on a truncated answer and on one with
 *                   the wrong root element
 *   app updates     the rules of app-update-rules.sys.mjs on the document
 *                   Firefox's XMLHttpRequest parsed (as the updater reads
 *                   it), cross-checked with DOMParser
 */

import { applyUpdateRules } from "resource://cinder-test/app-update-rules.sys.mjs";

const { AppConstants } = ChromeUtils.importESModule(
  "resource://gre/modules/AppConstants.sys.mjs"
);
const { AddonManager } = ChromeUtils.importESModule(
  "resource://gre/modules/AddonManager.sys.mjs"
);
const { UpdateUtils } = ChromeUtils.importESModule(
  "resource://gre/modules/UpdateUtils.sys.mjs"
);
const { ProductAddonChecker } = ChromeUtils.importESModule(
  "resource://gre/modules/addons/ProductAddonChecker.sys.mjs"
);
const { GMPInstallManager } = ChromeUtils.importESModule(
  "resource://gre/modules/GMPInstallManager.sys.mjs"
);
const { XPIProvider } = ChromeUtils.importESModule(
  "resource://gre/modules/addons/XPIProvider.sys.mjs"
);

const defaults = Services.prefs.getDefaultBranch(null);

/** Every HTTP request Firefox opens (the `http-on-opening-request`
 * notification), in order. */
class Requests {
  urls = [];
  constructor() {
    Services.obs.addObserver(this, "http-on-opening-request");
  }
  observe(subject) {
    this.urls.push(subject.QueryInterface(Ci.nsIChannel).URI.spec);
  }
  get mark() {
    return this.urls.length;
  }
  since(mark) {
    return this.urls.slice(mark);
  }
  stop() {
    Services.obs.removeObserver(this, "http-on-opening-request");
  }
}

/** How a promise settled, as JSON: its value, or its error and the
 * ProductAddonChecker error name when it has one. */
async function settle(promise, toJSON = v => v) {
  try {
    return { resolved: true, value: toJSON(await promise) ?? null };
  } catch (e) {
    return {
      resolved: false,
      error: e?.message ?? e?.type ?? String(e),
      addonCheckerErr: e?.addonCheckerErr ?? null,
    };
  }
}

/** GET `url` as Firefox's update checks do (no cache, XML whatever the
 * Content-Type): the status, the text and the parsed document. */
function fetchServed(url) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("GET", url, true);
    request.channel.loadFlags |=
      Ci.nsIRequest.LOAD_BYPASS_CACHE | Ci.nsIRequest.INHIBIT_CACHING;
    request.overrideMimeType("text/xml");
    request.setRequestHeader("Cache-Control", "no-cache");
    request.setRequestHeader("Pragma", "no-cache");
    request.addEventListener("load", () =>
      resolve({
        status: request.status,
        body: request.responseText,
        xml: request.responseXML,
      })
    );
    request.addEventListener("error", () =>
      reject(new Error(`GET ${url} failed`))
    );
    request.send(null);
  });
}

/** `template` (one of Firefox's own URL templates) with its scheme and host
 * replaced by the local server's. */
function onServer(template, server) {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]+/i.exec(template);
  if (!origin) {
    throw new Error(`not a URL template: ${template}`);
  }
  return server + template.slice(origin[0].length);
}

/** A data: URL holding `text` (base64 holds no `%` that formatUpdateURL
 * would take for a parameter). */
function dataURL(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return `data:text/xml;base64,${btoa(binary)}`;
}

function gmpAddonJSON(addon) {
  return {
    id: addon.id,
    URL: addon.URL,
    mirrorURLs: addon.mirrorURLs ?? [],
    hashFunction: addon.hashFunction,
    hashValue: addon.hashValue,
    version: addon.version,
    size: addon.size ?? null,
    usedFallback: addon.usedFallback,
    isValid: !!addon.isValid,
  };
}

async function systemAddons(input, requests) {
  const template = defaults.getCharPref("extensions.systemAddon.update.url");
  const local = onServer(template, input.server);
  Services.prefs.setCharPref("extensions.systemAddon.update.url", local);
  const results = [];
  for (const channel of input.systemAddonChannels) {
    defaults.setCharPref("app.update.channel", channel);
    const url = await UpdateUtils.formatUpdateURL(local);
    const served = await fetchServed(url);
    const list = await settle(ProductAddonChecker.getProductAddonList(url, true));
    const mark = requests.mark;
    const updater = await settle(XPIProvider.updateSystemAddons());
    results.push({
      channel,
      template,
      url,
      status: served.status,
      body: served.body,
      list,
      updater,
      requested: requests.since(mark),
    });
  }
  return results;
}

async function gmp(input, requests) {
  const template = defaults.getCharPref("media.gmp-manager.url");
  Services.prefs.setCharPref("media.gmp-manager.url", onServer(template, input.server));
  defaults.setCharPref("app.update.channel", input.gmpChannel);
  const manager = new GMPInstallManager();
  const url = await manager._getURL();
  const served = await fetchServed(url);
  let mark = requests.mark;
  const check = await settle(manager.checkForAddons(), res => ({
    addons: res.addons.map(gmpAddonJSON),
  }));
  const checkRequested = requests.since(mark);
  const installs = [];
  for (const addon of check.resolved ? check.value.addons : []) {
    mark = requests.mark;
    const result = await settle(new GMPInstallManager().installAddon(addon));
    installs.push({ id: addon.id, result, requested: requests.since(mark) });
  }
  return {
    channel: input.gmpChannel,
    template,
    url,
    status: served.status,
    body: served.body,
    check,
    checkRequested,
    installs,
  };
}

async function features(input) {
  const systemTemplate = defaults.getCharPref("extensions.systemAddon.update.url");
  if (!systemTemplate.includes("/SystemAddons/")) {
    throw new Error(`no /SystemAddons/ in ${systemTemplate}`);
  }
  const template = systemTemplate.replace("/SystemAddons/", `/${input.features.product}/`);
  const local = onServer(template, input.server);
  defaults.setCharPref("app.update.channel", input.features.channel);
  const ownLocale = await UpdateUtils.getLocale();
  const results = [];
  for (const locale of input.features.locales) {
    // formatUpdateURL fills %LOCALE% from this cache of default.locale.
    UpdateUtils._locale = locale;
    let url;
    try {
      url = await UpdateUtils.formatUpdateURL(local);
    } finally {
      UpdateUtils._locale = ownLocale;
    }
    const served = await fetchServed(url);
    const list = await settle(ProductAddonChecker.getProductAddonList(url, true));
    results.push({ locale, template, url, status: served.status, body: served.body, list });
  }
  return results;
}

/** The served document, broken: cut in the middle, and with its root
 * element renamed. */
function broken(body) {
  return [
    { name: "truncated", body: body.slice(0, Math.floor(body.length / 2)) },
    {
      name: "wrong root element",
      body: body.replace("<updates>", "<response>").replace("</updates>", "</response>"),
    },
  ];
}

async function brokenAnswers(addonBody, appUpdate) {
  const results = [];
  for (const doc of broken(addonBody)) {
    const url = dataURL(doc.body);
    const list = await settle(ProductAddonChecker.getProductAddonList(url, true));
    Services.prefs.setCharPref("media.gmp-manager.url", url);
    const gmpCheck = await settle(new GMPInstallManager().checkForAddons(), res => ({
      addons: res.addons.map(gmpAddonJSON),
    }));
    results.push({ kind: "addons", name: doc.name, body: doc.body, list, gmpCheck });
  }
  for (const doc of broken(appUpdate.body)) {
    const served = await fetchServed(dataURL(doc.body));
    results.push({
      kind: "app update",
      name: doc.name,
      body: doc.body,
      rules: applyUpdateRules(served.xml, appUpdate.client),
    });
  }
  return results;
}

/** `template` with each %PARAMETER% encoded as UpdateUtils.formatUpdateURL
 * encodes it (OS_VERSION twice: UpdateUtils.OSVersion is encoded already). */
function fillTemplate(template, params) {
  return template.replace(/%(\w+)%/g, (_match, name) => {
    if (!(name in params)) {
      throw new Error(`no value for %${name}%`);
    }
    const value = name == "OS_VERSION" ? encodeURIComponent(params[name]) : params[name];
    return encodeURIComponent(value);
  });
}

async function appUpdates(input) {
  const results = [];
  for (const scenario of input.appUpdates.scenarios) {
    // CheckerService.getUpdateURL: force=1, then mig64, then pin.
    let url = `${input.server}/${fillTemplate(input.appUpdates.template, scenario.params)}`;
    if (scenario.force) {
      url += `${url.includes("?") ? "&" : "?"}force=1`;
    }
    if (scenario.pin) {
      url += `${url.includes("?") ? "&" : "?"}pin=${encodeURIComponent(scenario.pin)}`;
    }
    const served = await fetchServed(url);
    const rules = applyUpdateRules(served.xml, scenario.client);
    const viaDOMParser = applyUpdateRules(
      new DOMParser().parseFromString(served.body, "text/xml"),
      scenario.client
    );
    results.push({
      name: scenario.name,
      client: scenario.client,
      url,
      status: served.status,
      body: served.body,
      rules,
      domParserAgrees: JSON.stringify(rules) == JSON.stringify(viaDOMParser),
    });
  }
  return results;
}

async function aboutFirefox() {
  return {
    name: Services.appinfo.name,
    version: Services.appinfo.version,
    buildID: Services.appinfo.appBuildID,
    sourceRevision: AppConstants.SOURCE_REVISION_URL || null,
    buildTarget: `${Services.appinfo.OS}_${UpdateUtils.ABI}`,
    locale: await UpdateUtils.getLocale(),
    channel: defaults.getCharPref("app.update.channel"),
    osVersion: decodeURIComponent(UpdateUtils.OSVersion),
    appUpdater: AppConstants.MOZ_UPDATER,
  };
}

/** Runs every check and writes the results to `outputPath`; a check that
 * throws is reported under `failures` and the others still run. */
export async function run(inputPath, outputPath) {
  const out = { failures: [] };
  const requests = new Requests();
  const section = async (name, fn) => {
    try {
      out[name] = await fn();
    } catch (e) {
      out.failures.push(`${name}: ${e}\n${e?.stack ?? ""}`);
    }
  };
  try {
    const input = await IOUtils.readJSON(inputPath);
    const ownChannel = defaults.getCharPref("app.update.channel");
    await AddonManager.readyPromise;
    await section("firefox", aboutFirefox);
    await section("systemAddons", () => systemAddons(input, requests));
    await section("gmp", () => gmp(input, requests));
    await section("features", () => features(input));
    await section("appUpdates", () => appUpdates(input));
    await section("brokenAnswers", () => {
      const addonBody = out.systemAddons?.find(r => r.list.resolved && r.list.value)?.body;
      const appUpdate = out.appUpdates?.find(r => r.rules.selected !== null);
      if (!addonBody || !appUpdate) {
        throw new Error("no served add-on list or update to break");
      }
      return brokenAnswers(addonBody, appUpdate);
    });
    defaults.setCharPref("app.update.channel", ownChannel);
    out.otherRequests = requests.urls.filter(
      u => !u.startsWith(`${input.server}/`) && !u.startsWith("data:")
    );
  } catch (e) {
    out.failures.push(`${e}\n${e?.stack ?? ""}`);
  } finally {
    requests.stop();
    await IOUtils.writeJSON(outputPath, out);
  }
}
