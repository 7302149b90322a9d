/**
 * A place a citizen shared (a pin on WhatsApp or Telegram, "hay un hueco en esta esquina"). The
 * coordinates are the content, so they are kept as the attachment's reference in the `geo:` URI form
 * of RFC 5870 (`geo:4.6097,-74.0817`), and shown to officials as numbers and an OpenStreetMap link.
 * Pure.
 */
import { truncateText } from "./text-length.ts";

export interface Coordinates {
  /** Degrees north, in [-90, 90]. */
  latitude: number;
  /** Degrees east, in [-180, 180]. */
  longitude: number;
}

/** A place name or address longer than this is cut (Meta's and Telegram's are far shorter). */
export const MAX_PLACE_TEXT_LENGTH = 200;

/** Seven decimals: about 1 cm, far finer than a phone's GPS. */
const DECIMALS = 7;

/**
 * The `geo:` reference of a position, or undefined when it is not one: both values must be
 * numbers (or numeric strings, as some JSON senders write them), finite, the latitude in [-90, 90]
 * and the longitude in [-180, 180].
 */
export function geoRef(latitude: unknown, longitude: unknown): string | undefined {
  const lat = coordinate(latitude, 90);
  const lon = coordinate(longitude, 180);
  return lat === undefined || lon === undefined ? undefined : `geo:${lat},${lon}`;
}

/** The coordinates of a reference `geoRef` made; undefined for anything else (a file id, a bad value). */
export function parseGeoRef(ref: string): Coordinates | undefined {
  const match = /^geo:(-?\d{1,3}(?:\.\d{1,15})?),(-?\d{1,3}(?:\.\d{1,15})?)$/.exec(ref);
  if (!match) return undefined;
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  return Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 ? { latitude, longitude } : undefined;
}

/** "4.6097, -74.0817": latitude first, as maps apps read and write them. */
export function coordinatesText(at: Coordinates): string {
  return `${decimal(at.latitude)}, ${decimal(at.longitude)}`;
}

/** The place on OpenStreetMap, a marker at street zoom (no tracking, no key, opens on any phone). */
export function mapUrl(at: Coordinates): string {
  const lat = decimal(at.latitude);
  const lon = decimal(at.longitude);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=18/${lat}/${lon}`;
}

/**
 * A place's name or address as one short line: control characters and line breaks become spaces,
 * runs of spaces one, cut at `MAX_PLACE_TEXT_LENGTH`; undefined when nothing is left or it is not text.
 */
export function placeText(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const line = value
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return line ? truncateText(line, MAX_PLACE_TEXT_LENGTH) : undefined;
}

function coordinate(value: unknown, limit: number): string | undefined {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isFinite(n) && Math.abs(n) <= limit ? decimal(n) : undefined;
}

/** `n` with at most seven decimals, never in exponent form (1e-7) nor as "-0". */
function decimal(n: number): string {
  const text = n.toFixed(DECIMALS).replace(/\.?0+$/, "");
  return text === "-0" ? "0" : text;
}
