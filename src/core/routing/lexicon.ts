/**
 * Word lists of Colombian Spanish as citizens write it to an alcaldía: words that say nothing about
 * the office, fixed expressions that must stay together, and slang with its standard equivalent.
 */

/**
 * Function words, greetings, courtesy and generic request verbs: they say nothing about which
 * office should answer, and formal letters are full of them ("de conformidad con el artículo 23").
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a al algo alguien alguna algunas alguno algunos ante antes aqui asi aun aunque bajo bien cada
  casi como con contra cual cuales cualquier cuando cuanto cuantos cuanta cuantas de del desde
  donde dos durante e el ella ellas ellos en entre era eramos eran eres es esa esas ese eso esos
  esta estaba estamos estan estar estas este esto estos estoy fue fueron fui ha habia han has hasta
  hay he hemos la las le les lo los mas me mi mis mismo mucho muchos muy nada ni no nos nosotros
  nuestra nuestro nuestros nuestras o os otra otras otro otros para pero poco por porque pues que
  quien quienes se sea ser si sido sin sobre sois solo somos son soy su sus tal tambien tampoco tan
  tanto te tenemos tener tengo tiene tienen ti toda todas todo todos tu tus u un una unas uno unos
  usted ustedes va vamos van vez y ya yo hace hacen hacer hizo puedo puede pueden podria podrian
  quiero quisiera queria quisieramos queremos necesito necesitamos necesita saber sabe se favor
  hola buenas buenos buen dia dias tardes noches gracias agradezco agradeceria agradecemos
  cordial cordialmente saludo saludos atentamente respetuosamente senor senora senores senoras
  senorita doctor doctora don dona alcaldia alcalde municipio municipal secretaria secretario
  conformidad articulo constitucion politica colombia nacional numeral inciso literal ley decreto
  mediante presente escrito comedidamente amablemente manera forma respuesta responder pronta
  pregunta preguntar consulta consultar ayuda ayudar ayudenme ayudeme colaboracion porfavor ok
  okay vale listo bueno entonces osea ahi alla aca ese eh ah oiga oigan mire vea disculpe disculpa
  perdon buenassss buena tardecitas dar dan den dio digan diga decir dice dicen informar
  indicar indiquen indique orientar orienten oriente sera seria estaria hubo haya hayan cosa cosas
  ahora hoy ayer manana semana mes ano anos meses tiempo rato dias comunidad ciudadano
  ciudadana persona personas gente mio mia mios mias
  solicito solicitamos solicitar solicitud peticionario suscrito suscrita identificado
  identificada cedula ciudadania expedida numero calle carrera avenida barrio manzana`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/**
 * Fixed expressions whose words mislead on their own ("pico" is also a sting, "habitante" any
 * resident, "paz" and "salvo" nothing fiscal): each becomes one token before stopwords are dropped.
 */
export const PHRASES: ReadonlyMap<string, string> = new Map([
  ["habitante de calle", "habitantecalle"],
  ["habitantes de calle", "habitantecalle"],
  ["habitante de la calle", "habitantecalle"],
  ["habitantes de la calle", "habitantecalle"],
  ["situacion de calle", "habitantecalle"],
  ["pico y placa", "picoyplaca"],
  ["paz y salvo", "pazysalvo"],
  ["uso del suelo", "usosuelo"],
  ["uso de suelo", "usosuelo"],
  ["usos del suelo", "usosuelo"],
  ["adulto mayor", "adultomayor"],
  ["adultos mayores", "adultomayor"],
  ["adulta mayor", "adultomayor"],
  ["adultas mayores", "adultomayor"],
  ["tercera edad", "adultomayor"],
  ["persona mayor", "adultomayor"],
  ["personas mayores", "adultomayor"],
  ["industria y comercio", "industriacomercio"],
  ["espacio publico", "espaciopublico"],
  ["accion comunal", "accioncomunal"],
  ["medio ambiente", "medioambiente"],
  ["primera infancia", "primerainfancia"],
  ["hoja de vida", "hojavida"],
  ["hojas de vida", "hojavida"],
  ["plaza de mercado", "plazamercado"],
  ["plazas de mercado", "plazamercado"],
  ["colombia mayor", "colombiamayor"],
  ["aguas negras", "aguasnegras"],
  ["zona verde", "zonaverde"],
  ["zonas verdes", "zonaverde"],
  ["placa huella", "placahuella"],
  ["placas huella", "placahuella"],
]);

/** Colombian slang and filler, to the standard word the knowledge base uses ("" drops the word). */
export const SLANG: ReadonlyMap<string, string> = new Map([
  ["cucha", "mama"],
  ["cucho", "papa"],
  ["chino", "nino"],
  ["chinos", "ninos"],
  ["china", "nina"],
  ["chinas", "ninas"],
  ["pelado", "nino"],
  ["pelados", "ninos"],
  ["pelada", "nina"],
  ["peladas", "ninas"],
  ["culicagado", "nino"],
  ["culicagados", "ninos"],
  ["nero", "delincuente"],
  ["neros", "delincuentes"],
  ["gamin", "habitantecalle"],
  ["gamines", "habitantecalle"],
  ["desechable", "habitantecalle"],
  ["camellar", "trabajar"],
  ["camello", "trabajo"],
  ["camellito", "trabajo"],
  ["chamba", "trabajo"],
  ["chambear", "trabajar"],
  ["tombo", "policia"],
  ["tombos", "policia"],
  ["paco", "policia"],
  ["pacos", "policia"],
  ["chuzo", "negocio"],
  ["guaro", "licor"],
  ["rumba", "fiesta"],
  ["bareta", "marihuana"],
  ["mariguana", "marihuana"],
  ["man", "hombre"],
  ["manes", "hombres"],
  ["parce", ""],
  ["parcero", ""],
  ["parcera", ""],
  ["llave", ""],
  ["mijo", ""],
  ["mija", ""],
  ["ome", ""],
  ["pues", ""],
  ["vaina", ""],
  ["jurgo", ""],
  ["berraco", ""],
  ["verraco", ""],
  ["chimba", ""],
  ["marica", ""],
  ["jueputa", ""],
  ["hp", ""],
  ["gonorrea", ""],
  ["hijuemadre", ""],
]);
