/**
 * Foreign residents and tourists write to alcaldías in English. Rather than a second model, an
 * English message's words are mapped onto the Spanish vocabulary the classifier knows: function
 * words are dropped and domain words translated ("pothole" → "hueco", "property tax" → "predio
 * impuesto"). Only messages that clearly read as English are translated, since many short English
 * words are also Spanish ("son", "red", "van", "come").
 */

/** Words that are English and not Spanish; two distinct ones mark a message as English. */
const MARKERS: ReadonlySet<string> = new Set(
  `the is are was were been being my your our their his her its you we they she it this that these
  those there here what which who whom whose where why how do does did have had can could would
  should will shall might must of to for with about from into near and or but if than then too very
  just not any some all every each hi hello thanks thank please dear get got want need know let
  tell find give going make ask someone anyone something anything i im us them ours am`.split(/\s+/),
);

/** English words without routing signal, dropped from English messages. */
const STOPWORDS: ReadonlySet<string> = new Set([
  ...MARKERS,
  ...`a an me he has hey be on at by in so up down out off over under around also no yes ok okay sir
  madam regards good morning afternoon evening day days one two again still already almost really
  huge big small little lot lots many much more most other another new old since ago year years month
  week today yesterday s t d ll ve re m don doesn didn isn aren wasn won cant cannot like said say
  says told way thing things people person guy guys kind sort while`.split(/\s+/),
]);

/** Domain words, English → Spanish (normalized: lowercase, no accents). */
const LEXICON: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // attention to citizens
    office: "oficina", hours: "horario", schedule: "horario", open: "abren", opening: "horario",
    closed: "cerrado", complaint: "queja", complain: "queja", claim: "reclamo", petition: "peticion",
    request: "solicitud", file: "radicar", appointment: "cita", human: "persona", robot: "robot",
    bot: "robot", agent: "asesor", operator: "asesor", phone: "telefono", call: "llamar",
    email: "correo", website: "pagina web", address: "direccion", information: "informacion",
    info: "informacion", procedure: "tramite", paperwork: "tramite", answer: "respuesta",
    response: "respuesta", reply: "respuesta", mayor: "alcalde", staff: "funcionario",
    employee: "funcionario", official: "funcionario", rude: "grosero", hall: "alcaldia",
    // planning
    build: "construir", building: "construccion", construction: "construccion", permit: "licencia",
    zoning: "usosuelo", land: "suelo", plot: "lote", lot: "lote", farm: "finca",
    protected: "protegida", development: "desarrollo", plan: "plan", stratum: "estrato",
    strata: "estrato", socioeconomic: "estrato", census: "censo", survey: "encuesta",
    statistics: "estadisticas", report: "informe", participatory: "participativo", floor: "piso",
    floors: "pisos", extension: "ampliacion",
    // finance
    tax: "impuesto", taxes: "impuesto", pay: "pagar", paying: "pagar", payment: "pago", bill: "factura",
    invoice: "factura", debt: "deuda", owe: "deuda", discount: "descuento", interest: "intereses",
    property: "predio", owner: "propietario", finances: "finanzas",
    financial: "financiera", revenue: "ingresos", spending: "gastos", budget: "presupuesto",
    clearance: "pazysalvo", certificate: "certificado", apartment: "apartamento",
    // health
    health: "salud", hospital: "hospital", clinic: "clinica", doctor: "medico", nurse: "enfermera",
    vaccine: "vacuna", vaccination: "vacunacion", vaccinated: "vacunacion", shot: "vacuna",
    insurance: "eps", medicine: "medicamentos", medication: "medicamentos", pharmacy: "drogueria",
    emergency: "urgencias", ambulance: "ambulancia", sick: "enfermo", illness: "enfermedad",
    disease: "enfermedad", mosquito: "zancudos", mosquitoes: "zancudos", dengue: "dengue",
    fumigation: "fumigacion", rat: "ratas", rats: "ratas", poisoning: "intoxicacion",
    restaurant: "restaurante", dirty: "sucio", hygiene: "higiene", mental: "salud mental",
    pregnant: "embarazo", surgery: "cirugia", treatment: "tratamiento", patient: "paciente",
    specialist: "especialista", fever: "fiebre", sting: "picadura", stung: "picadura",
    bite: "mordedura", bitten: "mordedura", scorpion: "alacran", snake: "serpiente",
    // education
    school: "colegio", schools: "colegios", student: "estudiante", students: "estudiantes",
    teacher: "profesor", teachers: "profesores", classroom: "salon", class: "clases",
    classes: "clases", enrollment: "matricula", enroll: "matricula", scholarship: "beca",
    university: "universidad", college: "universidad", meal: "alimentacion escolar",
    meals: "alimentacion escolar", lunch: "almuerzo", kid: "nino", kids: "ninos", child: "nino",
    children: "ninos", son: "hijo", daughter: "hija", education: "educacion",
    // mobility
    traffic: "transito", ticket: "comparendo", fine: "multa", fined: "multa", speeding: "velocidad",
    camera: "camara", license: "licencia", licence: "licencia", driver: "conduccion",
    driving: "conduccion", car: "carro", cars: "carros", motorcycle: "moto", motorbike: "moto",
    vehicle: "vehiculo", plate: "placa", registration: "matricula", parking: "parqueadero",
    stoplight: "semaforo", bus: "bus", buses: "buses", taxi: "taxi", tow: "grua", towed: "grua",
    impounded: "patios", crosswalk: "cebra", pedestrian: "peaton", signs: "senales",
    transport: "transporte publico", transit: "transporte publico", route: "ruta",
    // infrastructure
    pothole: "hueco", potholes: "huecos", road: "via", roads: "vias", street: "via",
    highway: "carretera", sidewalk: "anden", sidewalks: "andenes", bridge: "puente",
    streetlight: "alumbrado publico", streetlights: "alumbrado publico", lighting: "alumbrado",
    lamp: "luminaria", light: "luz", lights: "luz", drain: "drenaje", drainage: "drenaje",
    sewer: "alcantarillado", flooding: "inundacion", flood: "inundacion", works: "obras",
    paving: "pavimentacion", pave: "pavimentar", paved: "pavimentar", asphalt: "asfalto",
    bike: "bicicleta", bikes: "bicicletas", bikeway: "ciclorruta", cycleway: "ciclorruta", repair: "arreglar",
    fix: "arreglar", fixes: "arreglar",
    // government and security
    police: "policia", security: "seguridad", safety: "seguridad", crime: "delincuencia",
    robbery: "robo", robbed: "robaron", theft: "hurto", stolen: "robaron", thief: "ladron",
    thieves: "ladrones", noise: "ruido", noisy: "ruido", loud: "ruido", neighbor: "vecino",
    neighbour: "vecino", neighbors: "vecinos", neighbours: "vecinos", party: "fiesta",
    parties: "fiestas", vendors: "vendedores ambulantes", violence: "violencia",
    domestic: "intrafamiliar", custody: "custodia", drugs: "droga", gang: "pandillas",
    extortion: "extorsion", threat: "amenaza", threatened: "amenaza", nightclub: "discoteca",
    // social development
    elderly: "adultomayor", senior: "adultomayor", seniors: "adultomayor", pension: "pension",
    disability: "discapacidad", disabled: "discapacidad", wheelchair: "silla de ruedas",
    homeless: "habitantecalle", victim: "victima", victims: "victimas", displaced: "desplazado",
    women: "mujeres", woman: "mujer", youth: "jovenes", daycare: "jardin infantil",
    subsidy: "subsidio", migrant: "migrantes", migrants: "migrantes", venezuelan: "venezolanos",
    lgbt: "lgbti", poverty: "pobreza", poor: "pobreza",
    // environment
    tree: "arbol", trees: "arboles", prune: "poda", pruning: "poda", river: "rio", stream: "quebrada",
    creek: "quebrada", pollution: "contaminacion", polluted: "contaminacion", smell: "olores",
    smells: "olores", stink: "olores", sewage: "aguasnegras", fish: "peces", dog: "perro",
    dogs: "perros", cat: "gato", cats: "gatos", stray: "callejeros", animal: "animal",
    animals: "animales", garbage: "basura", trash: "basura", waste: "residuos", recycling: "reciclaje",
    burning: "quemas", smoke: "humo", environment: "ambiente", environmental: "ambiental",
    wildlife: "fauna silvestre",
    // culture, sports and tourism
    library: "biblioteca", theater: "teatro", theatre: "teatro", festival: "festival",
    concert: "concierto", culture: "cultura", cultural: "cultural", art: "arte", artist: "artista",
    dance: "danza", sports: "deportes", sport: "deporte", soccer: "futbol", football: "futbol",
    court: "cancha", stadium: "estadio", pool: "piscina", swimming: "natacion", gym: "gimnasio",
    tournament: "torneo", tourism: "turismo", tourist: "turistas", tourists: "turistas",
    museum: "museo", hiking: "senderismo", book: "libros", books: "libros", tour: "turismo",
    tours: "turismo", guided: "guia turistico", sightseeing: "turismo", attractions: "sitios turisticos",
    visit: "visitar", visiting: "visitar", hotel: "hoteles", hostel: "hostal",
    // procurement and legal
    tender: "licitacion", tenders: "licitaciones", bid: "licitacion", bidding: "licitacion",
    procurement: "contratacion", contract: "contrato", contracts: "contratos",
    contractor: "contratista", supplier: "proveedor", suppliers: "proveedores", legal: "juridica",
    lawsuit: "demanda", lawyer: "abogado", sue: "demandar",
    // housing
    housing: "vivienda", home: "vivienda", house: "casa", homes: "viviendas", rent: "arriendo",
    relocate: "reubicacion", relocation: "reubicacion", resettlement: "reasentamiento",
    deed: "escrituras", title: "titulacion", settlement: "asentamiento",
    // economic development
    job: "empleo", jobs: "empleo", work: "trabajo", employment: "empleo", unemployed: "desempleado",
    hiring: "vacantes", resume: "hojavida", business: "negocio", businesses: "negocios",
    entrepreneur: "emprendedor", startup: "emprendimiento", shop: "negocio", store: "tienda",
    coffee: "cafe", loan: "prestamo", credit: "credito", training: "capacitacion",
    course: "cursos", courses: "cursos", farmer: "campesino", farmers: "campesinos",
    agriculture: "agricultura", crops: "cultivos", crop: "cultivos", harvest: "cosecha",
    cattle: "ganado", market: "mercado",
  }),
);

/** True when `words` (normalized) contain at least two distinct English-only function words. */
export function looksEnglish(words: readonly string[]): boolean {
  let first: string | undefined;
  for (const word of words) {
    if (!MARKERS.has(word) || word === first) continue;
    if (first !== undefined) return true;
    first = word;
  }
  return false;
}

/** Spanish words for one English word ([] for function words; the word itself when unknown). */
export function translateWord(word: string): readonly string[] {
  if (STOPWORDS.has(word)) return [];
  const direct = LEXICON.get(word);
  if (direct !== undefined) return direct.split(" ");
  for (const suffix of ["s", "es", "ing", "ed", "d"]) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const base = LEXICON.get(word.slice(0, -suffix.length));
      if (base !== undefined) return base.split(" ");
    }
  }
  return [word];
}
