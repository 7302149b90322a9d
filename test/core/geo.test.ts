import { describe, expect, it } from "vitest";
import { coordinatesText, geoRef, mapUrl, MAX_PLACE_TEXT_LENGTH, parseGeoRef, placeText } from "../../src/core/geo.ts";

describe("shared locations (geo: references)", () => {
  it("keeps valid coordinates as geo:lat,lon and reads them back", () => {
    expect(geoRef(4.6097102, -74.0817534)).toBe("geo:4.6097102,-74.0817534");
    expect(geoRef("6.2442", "-75.5812")).toBe("geo:6.2442,-75.5812");
    expect(geoRef(-90, 180)).toBe("geo:-90,180");
    // Never in exponent form nor as -0; seven decimals at most (about 1 cm).
    expect(geoRef(0.00000001, -0.00000001)).toBe("geo:0,0");
    expect(geoRef(1e-7, 10.123456789)).toBe("geo:0.0000001,10.1234568");
    expect(parseGeoRef("geo:4.6097102,-74.0817534")).toEqual({ latitude: 4.6097102, longitude: -74.0817534 });
    expect(parseGeoRef(geoRef(-33.5, 151)!)).toEqual({ latitude: -33.5, longitude: 151 });
  });

  it("refuses what is not a position: not finite, out of range, not a number", () => {
    for (const [lat, lon] of [
      [NaN, 0],
      [0, Infinity],
      [90.0001, 0],
      [-91, 0],
      [0, 180.5],
      [0, -181],
      [null, 0],
      [undefined, 1],
      [true, 1],
      ["", 1],
      ["0x10", 1],
      ["4,6", 1],
      [{}, 1],
    ])
      expect(geoRef(lat, lon), `${String(lat)}, ${String(lon)}`).toBeUndefined();
    for (const ref of ["geo:91,0", "geo:0,181", "geo:1", "AgADBAAD", "geo:1,2;u=35", "geo:1e5,2", " geo:1,2"])
      expect(parseGeoRef(ref), ref).toBeUndefined();
  });

  it("shows coordinates and an OpenStreetMap link with a marker", () => {
    const at = { latitude: 4.6097, longitude: -74.0817 };
    expect(coordinatesText(at)).toBe("4.6097, -74.0817");
    expect(mapUrl(at)).toBe("https://www.openstreetmap.org/?mlat=4.6097&mlon=-74.0817#map=18/4.6097/-74.0817");
  });

  it("keeps a place's name or address as one bounded line", () => {
    expect(placeText("  Parque\nde los\u0000 Novios \u202e ")).toBe("Parque de los Novios");
    expect(placeText("   ")).toBeUndefined();
    expect(placeText(42)).toBeUndefined();
    const long = placeText("Calle ".repeat(100))!;
    expect([...long]).toHaveLength(MAX_PLACE_TEXT_LENGTH);
    expect(long.endsWith("…")).toBe(true);
  });
});
