/** The built-in knowledge base: one entry per reference category of ../shared/routing/offices.yaml. */
import { ambiente } from "./ambiente.ts";
import { atencionCiudadano } from "./atencion-ciudadano.ts";
import { contratacion } from "./contratacion.ts";
import { cultura } from "./cultura.ts";
import { desarrolloEconomico } from "./desarrollo-economico.ts";
import { desarrolloSocial } from "./desarrollo-social.ts";
import { educacion } from "./educacion.ts";
import { gobierno } from "./gobierno.ts";
import { hacienda } from "./hacienda.ts";
import { infraestructura } from "./infraestructura.ts";
import { movilidad } from "./movilidad.ts";
import { planeacion } from "./planeacion.ts";
import { salud } from "./salud.ts";
import type { CategoryKnowledge } from "./types.ts";
import { vivienda } from "./vivienda.ts";

export type { CategoryKnowledge } from "./types.ts";

/** Built-in knowledge for all 14 reference categories. */
export const BUILT_IN_KNOWLEDGE: readonly CategoryKnowledge[] = [
  atencionCiudadano,
  planeacion,
  hacienda,
  salud,
  educacion,
  movilidad,
  infraestructura,
  gobierno,
  desarrolloSocial,
  ambiente,
  cultura,
  contratacion,
  vivienda,
  desarrolloEconomico,
];

/**
 * Words that formal letters and chat messages use whatever the topic. They are counted once for
 * every office, so the classifier learns they do not point anywhere in particular.
 */
export const NEUTRAL_TEXT =
  "derecho de peticion informacion documentos copia anexos adjunto hechos pretensiones fundamentos " +
  "notificaciones correo electronico telefono celular direccion residente habitante termino dias " +
  "habiles derecho fundamental problema situacion caso urgente urgentemente tramite requisitos " +
  "sector zona vereda comuna corregimiento centro parque esquina cuadra frente lado familia hijos " +
  "hijo hija mama papa esposo esposa señora señor nombre atencion";
