/**
 * Finding a citizen's district (comuna, corregimiento, localidad) from the barrio or vereda they
 * know (issue 18, point 13). Pure: the profile's districts in, candidates out. Tolerates accents,
 * case, "barrio"/"vereda" prefixes and small typos; several districts → the caller asks.
 */

export interface PlaceDistrict {
  key: string;
  name: string;
  /** Barrios, veredas or sectors inside the district, as the profile names them. */
  places?: readonly string[];
}

export interface PlaceMatch {
  districtKey: string;
  /** The place as the profile spells it (or the district's name when that matched). */
  place: string;
}

const PREFIXES =
  /^(?:el |la |los |las )?(?:barrio|vereda|urbanizacion|urb|sector|conjunto|comuna|corregimiento|localidad)\s+/;

/** Lowercase, no accents or punctuation, single spaces, without a leading "barrio"/"vereda". */
export function normalizePlace(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .replace(PREFIXES, "");
}

/** Edits allowed for a name of this length: none for short names, one, or two for long ones. */
function tolerance(length: number): number {
  return length <= 4 ? 0 : length <= 9 ? 1 : 2;
}

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent swaps), capped at `max + 1`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The districts whose barrios, veredas or own name match `text`: exact matches (after
 * normalizing) if any, else those within a small typo distance, closest first. One entry per
 * district; empty when nothing is close.
 */
export function findDistrictsByPlace(districts: readonly PlaceDistrict[], text: string): PlaceMatch[] {
  const wanted = normalizePlace(text);
  if (wanted.length < 3) return [];
  const scored: { match: PlaceMatch; distance: number }[] = [];
  for (const district of districts) {
    const names = [...(district.places ?? []), district.name];
    let best: { place: string; distance: number } | undefined;
    for (const name of names) {
      const candidate = normalizePlace(name);
      const max = tolerance(Math.max(candidate.length, wanted.length));
      const distance = candidate === wanted ? 0 : editDistance(candidate, wanted, max);
      if (distance <= max && (!best || distance < best.distance)) best = { place: name, distance };
    }
    if (best) scored.push({ match: { districtKey: district.key, place: best.place }, distance: best.distance });
  }
  const closest = Math.min(...scored.map((s) => s.distance));
  return scored.filter((s) => s.distance === closest).map((s) => s.match);
}
