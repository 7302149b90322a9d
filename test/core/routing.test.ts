import { beforeAll, describe, expect, it } from "vitest";
import {
  createRouter,
  evaluateRouting,
  normalizeText,
  RoutingError,
  type RoutableOffice,
  type Router,
} from "../../src/core/routing/index.ts";

/** One office per reference category, key = category, as in the default profile. */
const OFFICES: readonly RoutableOffice[] = [
  [
    "atencion_ciudadano",
    "Dirección de Atención al Ciudadano",
    "Orientación, horarios, radicación y seguimiento de PQRSD.",
  ],
  ["planeacion", "Secretaría de Planeación", "Plan de desarrollo, ordenamiento territorial, SISBÉN y estratificación."],
  ["hacienda", "Secretaría de Hacienda", "Impuestos municipales, cobro, presupuesto y finanzas."],
  ["salud", "Secretaría de Salud", "Salud pública, afiliación al régimen subsidiado y vacunación."],
  ["educacion", "Secretaría de Educación", "Colegios oficiales, cupos, alimentación y transporte escolar."],
  ["movilidad", "Secretaría de Movilidad", "Tránsito, comparendos, licencias y transporte público."],
  ["infraestructura", "Secretaría de Infraestructura", "Vías, andenes, puentes, obras públicas y alumbrado."],
  ["gobierno", "Secretaría de Gobierno", "Seguridad, convivencia, espacio público, comisarías e inspecciones."],
  [
    "desarrollo_social",
    "Secretaría de Desarrollo Social",
    "Adulto mayor, infancia, juventud, discapacidad y víctimas.",
  ],
  ["ambiente", "Secretaría de Ambiente", "Árboles, fauna, quebradas, contaminación y reciclaje."],
  ["cultura", "Secretaría de Cultura, Deporte y Turismo", "Bibliotecas, eventos culturales, deporte y turismo."],
  ["contratacion", "Secretaría Jurídica", "Contratación pública, licitaciones, SECOP y conceptos jurídicos."],
  ["vivienda", "Secretaría de Vivienda", "Vivienda de interés social, subsidios, mejoramiento y titulación."],
  ["desarrollo_economico", "Secretaría de Desarrollo Económico", "Empleo, emprendimiento, campo y plazas de mercado."],
].map(([key, name, description]) => ({
  key: key!,
  category: key!,
  name: name!,
  description: description!,
  keywords: [],
  examples: [],
}));

const top = (router: Router, text: string): string | undefined => router.route(text, 1)[0]?.officeKey;

describe("normalizeText", () => {
  it("lowercases and strips accents and ñ", () => {
    expect(normalizeText("ÁRBOL Caído en la CAÑADA")).toBe("arbol caido en la canada");
  });

  it("removes emojis and punctuation and folds whitespace", () => {
    expect(normalizeText("  ¡¡Ayuda!! 😡🙏   ya…  ")).toBe("ayuda ya");
  });

  it("expands chat abbreviations", () => {
    expect(normalizeText("xq ud no me responde? q pena, tb pregunto x el pase")).toBe(
      "porque usted no me responde que pena tambien pregunto por el pase",
    );
    expect(normalizeText("uds pq")).toBe("ustedes porque");
  });

  it("reduces stretched letters and fixes common misspellings", () => {
    expect(normalizeText("holaaaa nesesito ayudaaaa con un ueco")).toBe("hola necesito ayuda con un hueco");
    expect(normalizeText("la calle llena de arroz")).toBe("la calle llena de arroz");
  });

  it("drops laughter and links, splits letters from digits", () => {
    expect(normalizeText("jajaja mire www.ejemplo.co ley1755")).toBe("mire ley 1755");
  });

  it("is idempotent", () => {
    const once = normalizeText("Q HAGO X FAVOR!!! El hueco d la Cra 7 😤");
    expect(normalizeText(once)).toBe(once);
  });
});

describe("createRouter().route", () => {
  let router: Router;
  beforeAll(() => {
    router = createRouter({ offices: OFFICES });
  });

  // Our own messages, written for this test (not taken from the labelled evaluation sets).
  const clear: readonly [string, string][] = [
    ["atencion_ciudadano", "¿Hasta qué hora atienden en la ventanilla de radicación el viernes?"],
    ["planeacion", "Me visitaron del SISBÉN pero quedé en un grupo que no corresponde, ¿cómo pido otra encuesta?"],
    ["hacienda", "¿Puedo pagar en cuotas el impuesto predial que tengo atrasado desde 2021?"],
    ["salud", "A mi suegra la dejaron sin EPS del régimen subsidiado y necesita diálisis"],
    ["educacion", "Mi sobrino no alcanzó cupo en el colegio público de la vereda El Tablazo"],
    ["movilidad", "Me llegó un comparendo por una cámara de fotodetección en la autopista"],
    ["infraestructura", "La vía al corregimiento San Félix está llena de huecos y no la han pavimentado"],
    ["gobierno", "El vecino del cuarto piso hace fiestas con parlantes hasta el amanecer"],
    ["desarrollo_social", "Mi tío de 78 años no ha recibido el subsidio de Colombia Mayor este mes"],
    ["ambiente", "Están botando escombros y basura a la quebrada La Chorrera"],
    ["cultura", "¿Cuándo abren inscripciones para la escuela de natación del coliseo?"],
    ["contratacion", "¿Qué empresa ganó la licitación del puente y cuánto vale el contrato?"],
    ["vivienda", "¿Cómo me postulo al subsidio para comprar vivienda de interés social?"],
    ["desarrollo_economico", "Tengo una microempresa de arepas y busco un microcrédito para crecer"],
  ];
  it.each(clear)("routes a clear %s message there", (office, text) => {
    expect(top(router, text)).toBe(office);
  });

  it.each([
    ["infraestructura", "ueco gigante en la kalle, ya se callo un man en moto"],
    ["movilidad", "Q HAGO CON UNA FOTOMULTA Q NO ES MIA???"],
    ["salud", "la eps no me autoriza la resonancia 😡😡"],
    ["gobierno", "los tombos nunca pasan x el barrio"],
    ["hacienda", "inpuesto predal muy caro"],
    ["ambiente", "arbol caido"],
    ["desarrollo_economico", "necesito camello"],
    ["infraestructura", "There is a huge pothole on the main road, who repairs it?"],
  ])("copes with typos, slang, caps, emojis and English: %s", (office, text) => {
    expect(top(router, text)).toBe(office);
  });

  it("is not distracted by the formulas of a formal letter", () => {
    const letter =
      "Cordial saludo. De conformidad con el artículo 23 de la Constitución Política y la Ley 1755 de 2015, " +
      "respetuosamente solicito se programe la poda del árbol de mango ubicado frente a mi predio, cuyas ramas " +
      "tocan las redes eléctricas. Agradezco su pronta respuesta. Atentamente, Marta Lucía Giraldo.";
    expect(top(router, letter)).toBe("ambiente");
  });

  it("returns at most `limit` candidates, sorted, with scores in [0, 1]", () => {
    const candidates = router.route("necesito un certificado del sisben", 5);
    expect(candidates).toHaveLength(5);
    for (let i = 1; i < candidates.length; i++)
      expect(candidates[i - 1]!.score).toBeGreaterThanOrEqual(candidates[i]!.score);
    for (const c of candidates) expect(c.score).toBeGreaterThanOrEqual(0);
    for (const c of candidates) expect(c.score).toBeLessThanOrEqual(1);
    expect(router.route("necesito un certificado del sisben")).toHaveLength(3);
    expect(router.route("sisben", 0)).toEqual([]);
    expect(router.route("sisben", 99)).toHaveLength(OFFICES.length);
  });

  it("gives a high top score to a clear message", () => {
    expect(router.route("quiero pagar el impuesto predial de mi casa")[0]!.score).toBeGreaterThan(0.7);
  });

  it.each(["", "   ", "😀😀😀", "asdkjh qwpeoiru zxcmnv", "jajajaja", "hola buenas tardes", "???", "12345"])(
    "gives low, flat scores to empty or meaningless text %j",
    (text) => {
      const [best] = router.route(text);
      expect(best!.score).toBeLessThan(0.2);
    },
  );
});

describe("learning and profile knowledge", () => {
  it("applies a correction immediately to the same and to similar texts", () => {
    const router = createRouter({ offices: OFFICES });
    const phrase = "los del grupo Reverdecer quieren usar el kiosko del sendero los domingos";
    const before = top(router, phrase);
    expect(before).not.toBe("gobierno");
    router.learn({ text: phrase, officeKey: "gobierno" });
    expect(top(router, phrase)).toBe("gobierno");
    expect(top(router, "el grupo Reverdecer pide usar el kiosko del sendero")).toBe("gobierno");
  });

  it("replays learned corrections given at creation", () => {
    const phrase = "los del grupo Reverdecer quieren usar el kiosko del sendero los domingos";
    const router = createRouter({
      offices: OFFICES,
      learned: [
        { text: phrase, officeKey: "gobierno" },
        { text: phrase, officeKey: "gone" },
      ],
    });
    expect(top(router, "el grupo Reverdecer y el kiosko del sendero")).toBe("gobierno");
  });

  it("does not let one correction take over unrelated messages", () => {
    const router = createRouter({ offices: OFFICES });
    router.learn({ text: "los del grupo Reverdecer quieren usar el kiosko del sendero", officeKey: "gobierno" });
    expect(top(router, "el semáforo de la glorieta está dañado")).toBe("movilidad");
  });

  it("rejects a correction towards an unknown office", () => {
    const router = createRouter({ offices: OFFICES });
    expect(() => router.learn({ text: "hola", officeKey: "nope" })).toThrow(RoutingError);
  });

  it("lets a profile office's keywords shift routing", () => {
    const text = "¿Cuándo empieza el programa Pilas con el Tarro en mi barrio?";
    const plain = createRouter({ offices: OFFICES });
    expect(top(plain, text)).not.toBe("ambiente");
    const withKeywords = createRouter({
      offices: OFFICES.map((o) => (o.key === "ambiente" ? { ...o, keywords: ["Pilas con el Tarro", "tarro"] } : o)),
    });
    expect(top(withKeywords, text)).toBe("ambiente");
  });

  it("routes to profile office keys and shares a category between two offices", () => {
    const offices: RoutableOffice[] = [
      ...OFFICES.filter((o) => o.category !== "desarrollo_economico"),
      {
        key: "umata",
        category: "desarrollo_economico",
        name: "UMATA",
        description: "Asistencia técnica agropecuaria a campesinos.",
        keywords: ["asistencia técnica", "cultivos", "ganado"],
        examples: [],
      },
      {
        key: "empleo",
        category: "desarrollo_economico",
        name: "Oficina de Empleo",
        description: "Bolsa de empleo y emprendimiento.",
        keywords: ["empleo", "hoja de vida", "vacantes"],
        examples: [],
      },
    ];
    const router = createRouter({ offices });
    expect(top(router, "necesito que el técnico agropecuario visite mis cultivos de yuca")).toBe("umata");
    expect(top(router, "dónde dejo la hoja de vida para las vacantes")).toBe("empleo");
  });

  it("refuses an empty office list", () => {
    expect(() => createRouter({ offices: [] })).toThrow(RoutingError);
  });
});

describe("evaluateRouting", () => {
  it("compares routed offices by category and counts top-1, top-3, precision, recall and confusion", () => {
    const offices: RoutableOffice[] = [
      { key: "tto", category: "movilidad", name: "Tránsito", description: "Comparendos.", keywords: [], examples: [] },
      {
        key: "obras",
        category: "infraestructura",
        name: "Obras",
        description: "Vías y huecos.",
        keywords: [],
        examples: [],
      },
    ];
    const fixed: Router = {
      route: (text) =>
        text.includes("hueco")
          ? [
              { officeKey: "obras", score: 0.9 },
              { officeKey: "tto", score: 0.1 },
            ]
          : [
              { officeKey: "tto", score: 0.6 },
              { officeKey: "obras", score: 0.4 },
            ],
      learn: () => undefined,
    };
    const result = evaluateRouting(fixed, offices, [
      { id: "1", text: "hueco", office: "infraestructura" },
      { id: "2", text: "multa", office: "movilidad" },
      { id: "3", text: "anden", office: "infraestructura" },
    ]);
    expect(result.top1Accuracy).toBeCloseTo(2 / 3);
    expect(result.top3Accuracy).toBe(1);
    expect(result.categories).toEqual(["movilidad", "infraestructura"]);
    expect(result.confusion).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(result.perCategory.find((m) => m.category === "movilidad")).toMatchObject({
      precision: 0.5,
      recall: 1,
      support: 1,
    });
    expect(result.misses).toEqual([{ id: "3", expected: "infraestructura", predicted: "movilidad", score: 0.6 }]);
  });
});
