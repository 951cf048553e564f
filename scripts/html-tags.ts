/**
 * The tags of the HTML the dashboard build writes, read without a DOM (the build scans every page).
 * A match is one whole tag: group 1 is "/" for a closing tag, group 2 the element name, group 3 its
 * attributes. Quoted attribute values belong to their tag, so a "<table>" or "<script>" inside a
 * value (an untrusted title in an aria-label, where "<" stays unescaped) never reads as a tag; text
 * content has "<" escaped, so it cannot either.
 */
export const HTML_TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;

/** One attribute inside group 3 of `HTML_TAG`: group 1 the name, group 2 the value with its quotes. */
export const HTML_ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?/g;
