/* The rules Firefox's application updater applies to an update.xml, for
 * builds (such as Debian's) that compile the updater out.
 *
 * Source followed: toolkit/mozapps/update/UpdateService.sys.mjs, read at
 * mozilla/gecko-dev 04988cf15a90264e2e35ed99097412f89af4fb4b and at
 * mozilla-firefox/firefox 7829953fdbfa9fc609a6e7273152ce4e2f22cc37 (the
 * functions below are the same in both):
 *   CheckerService.#parseUpdates  the root must be named `updates`; each child
 *                                 element named `update` becomes an Update,
 *                                 and one that throws is skipped
 *   class Update (constructor)    child `patch` elements become patches (one
 *                                 that throws is skipped); no patch and no
 *                                 `unsupported` attribute throws;
 *                                 displayVersion defaults to appVersion
 *   class UpdatePatch (ctor)      a `size` that parseInt reads as 0 throws
 *   updateIsAtLeastAsOldAs        appVersion older (Services.vc), or equal
 *                                 with the same buildID; false when either
 *                                 attribute is missing
 *   UpdateService.#selectUpdate   a lone unsupported update is returned as
 *                                 is; otherwise updates at least as old as
 *                                 the running build are skipped, and the
 *                                 newest minor update wins over the newest
 *                                 major one; other types are skipped
 *   Downloader._selectPatch       a first download takes the partial patch
 *                                 when there is one, else the complete
 *   Downloader (nsIIncrementalDownload, _verifyDownload)
 *                                 the download must be exactly `size` bytes,
 *                                 so size must be a whole number of bytes
 * The parts that depend on an update already downloaded (readyUpdate),
 * macOS elevation and BITS do not apply to a first check and are left out.
 */

/** The attributes of an element, in document order, as name -> value. */
function attributesOf(element) {
  const out = {};
  for (const attr of element.attributes) {
    out[attr.name] = attr.value;
  }
  return out;
}

/** UpdatePatch's constructor: throws for a patch of size 0. */
function readPatch(element) {
  const attributes = attributesOf(element);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == "undefined") {
      delete attributes[name];
    }
  }
  if ("size" in attributes && parseInt(attributes.size) == 0) {
    throw new Error("0-sized patch");
  }
  return {
    attributes,
    type: attributes.type ?? null,
    URL: attributes.URL ?? null,
    size: attributes.size ?? null,
    // What the downloader needs to verify the file: a whole number of bytes.
    sizeIsWholeBytes: /^[1-9][0-9]*$/.test(attributes.size ?? ""),
  };
}

/** Update's constructor: throws for an update with no usable patch that is
 * not marked unsupported. */
function readUpdate(element) {
  const patches = [];
  let skippedPatches = 0;
  for (const child of element.childNodes) {
    if (child.nodeType != child.ELEMENT_NODE || child.localName != "patch") {
      continue;
    }
    try {
      patches.push(readPatch(child));
    } catch (e) {
      skippedPatches++;
    }
  }
  if (!patches.length && !element.hasAttribute("unsupported")) {
    throw new Error("an <update> with no valid <patch> and no unsupported attribute");
  }
  const attributes = attributesOf(element);
  for (const [name, value] of Object.entries(attributes)) {
    if (name == "xmlns" || value == "undefined") {
      delete attributes[name];
    }
  }
  return {
    attributes,
    appVersion: attributes.appVersion ?? null,
    buildID: attributes.buildID ?? null,
    displayVersion: attributes.displayVersion ?? attributes.appVersion ?? null,
    detailsURL: attributes.detailsURL ?? null,
    type: attributes.type ?? null,
    unsupported: attributes.unsupported == "true",
    patches,
    skippedPatches,
  };
}

/** CheckerService.#parseUpdates: throws when the document is not an
 * update list (which fails the whole check). */
export function parseUpdates(doc) {
  const root = doc.documentElement;
  if (!root) {
    return { updates: [], skippedUpdates: 0 };
  }
  if (root.nodeName != "updates") {
    throw new Error(`Unexpected node name, expected: updates, got: ${root.nodeName}`);
  }
  const updates = [];
  let skippedUpdates = 0;
  for (const child of root.childNodes) {
    if (child.nodeType != child.ELEMENT_NODE || child.localName != "update") {
      continue;
    }
    try {
      updates.push(readUpdate(child));
    } catch (e) {
      skippedUpdates++;
    }
  }
  return { updates, skippedUpdates };
}

function atLeastAsOldAs(update, version, buildID) {
  if (!update.appVersion || !update.buildID) {
    return false;
  }
  const order = Services.vc.compare(update.appVersion, version);
  return order < 0 || (order == 0 && update.buildID == buildID);
}

/** UpdateService.#selectUpdate for a client running `version`/`buildID`
 * with no update downloaded yet. */
export function selectUpdate(updates, version, buildID) {
  if (!updates.length) {
    return null;
  }
  if (updates.length == 1 && updates[0].unsupported) {
    return updates[0];
  }
  let major = null;
  let minor = null;
  const newer = (best, candidate) =>
    !best ||
    best.unsupported ||
    (!candidate.unsupported &&
      Services.vc.compare(best.appVersion, candidate.appVersion) <= 0);
  for (const update of updates) {
    if (atLeastAsOldAs(update, version, buildID)) {
      continue;
    }
    if (update.type == "major") {
      major = newer(major, update) ? update : major;
    } else if (update.type == "minor") {
      minor = newer(minor, update) ? update : minor;
    }
  }
  return minor || major;
}

/** Downloader._selectPatch for a first download. */
export function selectPatch(update) {
  return (
    update.patches.find(p => p.type == "partial") ??
    update.patches.find(p => p.type == "complete") ??
    null
  );
}

/** What Firefox's updater makes of `doc` for a client running
 * `client.version` / `client.buildID`. */
export function applyUpdateRules(doc, client) {
  let parsed;
  try {
    parsed = parseUpdates(doc);
  } catch (e) {
    return { checkSucceeded: false, error: String(e.message ?? e) };
  }
  const selected = selectUpdate(parsed.updates, client.version, client.buildID);
  return {
    checkSucceeded: true,
    updates: parsed.updates,
    skippedUpdates: parsed.skippedUpdates,
    selected: selected ? parsed.updates.indexOf(selected) : null,
    patch: selected ? selectPatch(selected) : null,
  };
}
