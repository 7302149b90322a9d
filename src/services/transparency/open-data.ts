/**
 * Open data (issue 15), following datos.gov.co conventions: lowercase snake_case columns, ISO 8601
 * dates, `.` as decimal point, UTF-8, one header row; CSV and JSON with the same keys; each
 * dataset with a data dictionary. Every row carries the municipality's DIVIPOLA code. Built from
 * the same figures as the public pages, so it never carries personal data either.
 */
import { stringify } from "csv-stringify/sync";
import { ALL_OFFICES } from "../../core/answer-tally.ts";
import { toLocalDate } from "../../core/calendar/index.ts";
import { escapeFormulaCell } from "../../core/csv-cells.ts";
import { officeName, type AppContext } from "../context.ts";
import type { PublicData } from "./public-data.ts";
import { OTHER_SEGMENT, publicSurveys } from "./surveys.ts";
import { mapInOrder } from "../../core/in-order.ts";

export const DATASET_NAMES = [
  "pqrsd_oportunidad_por_dependencia",
  "preguntas_espacios_dialogo",
  "compromisos_rendicion_cuentas",
  "eventos_rendicion_cuentas",
  "encuestas_resultados",
] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export type Cell = string | number | boolean | null;
export type ColumnType = "texto" | "numero" | "fecha" | "fecha_hora" | "booleano" | "url";

/** One column of a data dictionary; the descriptions are locale keys (`publico.columns.<column>`). */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

export interface Dataset {
  name: DatasetName;
  columns: readonly ColumnSpec[];
  rows: Record<string, Cell>[];
}

const col = (name: string, type: ColumnType): ColumnSpec => ({ name, type });
const PLACE = [col("codigo_divipola", "texto"), col("municipio", "texto")];

export const DATASET_COLUMNS: Record<DatasetName, readonly ColumnSpec[]> = {
  pqrsd_oportunidad_por_dependencia: [
    ...PLACE,
    col("periodo", "texto"),
    col("codigo_dependencia", "texto"),
    col("dependencia", "texto"),
    col("recibidas", "numero"),
    col("respondidas", "numero"),
    col("respondidas_a_tiempo", "numero"),
    col("respondidas_fuera_de_termino", "numero"),
    col("vencidas_sin_respuesta", "numero"),
    col("en_tramite", "numero"),
    col("desistidas", "numero"),
    col("con_prorroga", "numero"),
    col("trasladadas", "numero"),
    col("reasignadas", "numero"),
    col("mediana_dias_habiles_respuesta", "numero"),
    col("porcentaje_a_tiempo", "numero"),
    col("porcentaje_a_tiempo_ic95_inferior", "numero"),
    col("porcentaje_a_tiempo_ic95_superior", "numero"),
    col("fecha_corte", "fecha"),
  ],
  preguntas_espacios_dialogo: [
    ...PLACE,
    col("id_evento", "numero"),
    col("evento", "texto"),
    col("fecha_evento", "fecha"),
    col("radicado", "texto"),
    col("codigo_dependencia", "texto"),
    col("dependencia", "texto"),
    col("resumen_pregunta", "texto"),
    col("estado", "texto"),
    col("respondida_en", "texto"),
    col("respuesta", "texto"),
    col("respuesta_en_revision", "booleano"),
    col("fecha_respuesta", "fecha"),
    col("fecha_limite", "fecha"),
    col("a_tiempo", "booleano"),
  ],
  compromisos_rendicion_cuentas: [
    ...PLACE,
    col("numero_compromiso", "numero"),
    col("compromiso", "texto"),
    col("codigo_dependencia", "texto"),
    col("dependencia", "texto"),
    col("id_evento", "numero"),
    col("evento", "texto"),
    col("codigo_comuna", "texto"),
    col("comuna", "texto"),
    col("fecha_limite", "fecha"),
    col("estado", "texto"),
    col("vencido", "booleano"),
    col("porcentaje_avance", "numero"),
    col("fecha_ultimo_avance", "fecha"),
    col("ultima_evidencia", "url"),
    col("motivo_cancelacion", "texto"),
  ],
  eventos_rendicion_cuentas: [
    ...PLACE,
    col("id_evento", "numero"),
    col("tipo", "texto"),
    col("titulo", "texto"),
    col("fecha_hora_inicio", "fecha_hora"),
    col("fecha_hora_fin", "fecha_hora"),
    col("lugar", "texto"),
    col("enlace_virtual", "url"),
    col("codigos_comunas", "texto"),
    col("estado", "texto"),
    col("enlace_acta", "url"),
    col("enlace_grabacion", "url"),
    col("preguntas_recibidas", "numero"),
    col("preguntas_respondidas", "numero"),
    col("compromisos", "numero"),
  ],
  encuestas_resultados: [
    ...PLACE,
    col("encuesta", "texto"),
    col("titulo_encuesta", "texto"),
    col("segmento_tipo", "texto"),
    col("segmento", "texto"),
    col("pregunta", "texto"),
    col("texto_pregunta", "texto"),
    col("opcion", "texto"),
    col("texto_opcion", "texto"),
    col("respuestas", "numero"),
    col("suprimido", "booleano"),
    col("total_segmento", "numero"),
  ],
};

/** ISO 8601 with the profile zone's offset, e.g. 2026-03-10T09:00:00-05:00. */
export function isoLocal(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offsetMin = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

type Builder = (app: AppContext, data: PublicData, t: (key: string) => string) => Promise<Record<string, Cell>[]>;

const builders: Record<DatasetName, Builder> = {
  async pqrsd_oportunidad_por_dependencia(app, data) {
    const stats = await data.answerStats();
    const months = [...stats.byMonth.keys()].sort();
    return months.flatMap((month) =>
      [...stats.byMonth.get(month)!]
        .filter(([k]) => k !== ALL_OFFICES)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([officeKey, figures]) => {
          const row = data.officeRow(officeKey, figures);
          const f = row.figures;
          const share = row.onTime.kind === "share" ? row.onTime : null;
          return {
            periodo: month,
            codigo_dependencia: officeKey,
            dependencia: row.officeName,
            recibidas: f.received,
            respondidas: f.answered,
            respondidas_a_tiempo: f.answeredOnTime,
            respondidas_fuera_de_termino: f.answeredLate,
            vencidas_sin_respuesta: f.overdue,
            en_tramite: f.inProgress,
            desistidas: f.withdrawn,
            con_prorroga: f.extended,
            trasladadas: f.transferred,
            reasignadas: f.reassigned,
            mediana_dias_habiles_respuesta: row.medianDays,
            porcentaje_a_tiempo: share?.percent ?? null,
            porcentaje_a_tiempo_ic95_inferior: share?.low ?? null,
            porcentaje_a_tiempo_ic95_superior: share?.high ?? null,
            fecha_corte: stats.today,
          };
        }),
    );
  },
  async preguntas_espacios_dialogo(app, data) {
    const { upcoming, past } = await data.events();
    const events = new Map([...upcoming, ...past].map((e) => [e.id, e]));
    const zone = app.profile.timezone;
    return (await data.dialogueQuestions([...events.keys()])).questions.map((q) => {
      const event = events.get(q.eventId)!;
      const answeredOn = q.answeredAtMs !== null ? toLocalDate(new Date(q.answeredAtMs), zone) : null;
      return {
        id_evento: q.eventId,
        evento: event.title,
        fecha_evento: toLocalDate(new Date(event.startsAtMs), zone),
        radicado: q.reference,
        codigo_dependencia: q.officeKey,
        dependencia: officeName(app, q.officeKey),
        resumen_pregunta: q.summary,
        estado: q.status,
        respondida_en: q.status === "answered" ? (q.answeredAtEvent ? "evento" : "escrito") : null,
        respuesta: q.answer,
        respuesta_en_revision: q.answerUnderReview,
        fecha_respuesta: answeredOn,
        fecha_limite: q.dueDate,
        a_tiempo: answeredOn === null ? null : q.answeredAtEvent || answeredOn <= q.dueDate,
      };
    });
  },
  async compromisos_rendicion_cuentas(app, data) {
    const zone = app.profile.timezone;
    return await mapInOrder(await data.commitments({}), async (c) => {
      const history = await data.commitmentHistory(c.id);
      const last = history.filter((h) => h.kind === "progress").at(-1);
      const evidence = history.filter((h) => h.evidenceUrl).at(-1)?.evidenceUrl ?? null;
      const event = c.eventId !== null ? await app.repos.events.get(c.eventId) : undefined;
      return {
        numero_compromiso: c.number,
        compromiso: c.text,
        codigo_dependencia: c.officeKey,
        dependencia: officeName(app, c.officeKey),
        id_evento: c.eventId,
        evento: event?.title ?? null,
        codigo_comuna: c.districtKey,
        comuna: app.profile.districts.find((d) => d.key === c.districtKey)?.name ?? null,
        fecha_limite: c.dueDate,
        estado: c.status,
        vencido: data.isOverdue(c),
        porcentaje_avance: c.progress,
        fecha_ultimo_avance: last ? toLocalDate(new Date(last.atMs), zone) : null,
        ultima_evidencia: evidence,
        motivo_cancelacion: c.status === "cancelled" ? c.statusReason : null,
      };
    });
  },
  async eventos_rendicion_cuentas(app, data) {
    const { upcoming, past } = await data.events();
    const counts = await app.repos.transparency.questionCountsByEvent();
    const commitmentsByEvent = new Map((await app.repos.commitments.countsByEvent()).map((c) => [c.eventId, c.count]));
    const zone = app.profile.timezone;
    return [...upcoming, ...past]
      .sort((a, b) => a.startsAtMs - b.startsAtMs || a.id - b.id)
      .map((e) => ({
        id_evento: e.id,
        tipo: e.kind,
        titulo: e.title,
        fecha_hora_inicio: isoLocal(e.startsAtMs, zone),
        fecha_hora_fin: isoLocal(e.endsAtMs, zone),
        lugar: e.place,
        enlace_virtual: e.virtualUrl,
        codigos_comunas: e.districts.join(";"),
        estado: e.status,
        enlace_acta: e.minutesUrl,
        enlace_grabacion: e.recordingUrl,
        preguntas_recibidas: counts.get(e.id)?.received ?? 0,
        preguntas_respondidas: counts.get(e.id)?.answered ?? 0,
        compromisos: commitmentsByEvent.get(e.id) ?? 0,
      }));
  },
  async encuestas_resultados(app, _data, t) {
    return (await publicSurveys(app)).flatMap((survey) =>
      survey.questions.flatMap((q) => {
        const optionText = (i: number) => {
          const o = q.options[i]!;
          return o.labelKey ? t(o.labelKey) : t(`publico.surveys.option.${q.type}.${o.value}`);
        };
        const base = {
          encuesta: survey.surveyId,
          titulo_encuesta: t(survey.definition.title),
          pregunta: q.id,
          texto_pregunta: t(q.textKey),
        };
        const overall = q.options.map((_, i) => ({
          ...base,
          segmento_tipo: "total",
          segmento: "total",
          opcion: q.options[i]!.value,
          texto_opcion: optionText(i),
          respuestas: q.overall.cells[i]!,
          suprimido: q.overall.cells[i] === null,
          total_segmento: q.overall.total,
        }));
        const bySegment = q.segments.flatMap((segment, r) =>
          q.options.map((_, i) => ({
            ...base,
            segmento_tipo: segment === OTHER_SEGMENT ? "otras_comunas_o_sin_dato" : "comuna",
            segmento: segment === OTHER_SEGMENT ? "otras" : segment,
            opcion: q.options[i]!.value,
            texto_opcion: optionText(i),
            respuestas: q.bySegment!.cells[r]![i]!,
            suprimido: q.bySegment!.cells[r]![i] === null,
            total_segmento: q.bySegment!.rowTotals[r]!,
          })),
        );
        return [...overall, ...bySegment];
      }),
    );
  },
};

/** A dataset's rows, each starting with the DIVIPOLA code and the municipality. */
export async function buildDataset(
  app: AppContext,
  data: PublicData,
  name: DatasetName,
  t: (key: string) => string,
): Promise<Dataset> {
  const place = { codigo_divipola: app.profile.divipola, municipio: app.profile.municipality };
  // The answer figures change only when the stored totals are reloaded: built once per load.
  const stats = name === "pqrsd_oportunidad_por_dependencia" ? await data.answerStats() : undefined;
  const memo = stats && answerDatasets.get(stats);
  if (memo) return memo;
  const dataset = {
    name,
    columns: DATASET_COLUMNS[name],
    rows: (await builders[name](app, data, t)).map((row) => ({ ...place, ...row })),
  };
  if (stats) answerDatasets.set(stats, dataset);
  return dataset;
}

const answerDatasets = new WeakMap<object, Dataset>();
/** Texts already written for a dataset's rows (the answer dataset is reused while its figures stand). */
const csvTexts = new WeakMap<object, string>();
const jsonTexts = new WeakMap<object, string>();

/** RFC 4180 CSV, UTF-8, one header row; formula-like text cells get a leading `'` (safe to open in a spreadsheet). */
export function datasetCsv(dataset: Pick<Dataset, "columns" | "rows">): string {
  const known = csvTexts.get(dataset.rows);
  if (known !== undefined) return known;
  const text = stringify(dataset.rows, {
    header: true,
    columns: dataset.columns.map((c) => c.name),
    record_delimiter: "\r\n",
    cast: {
      string: (value) => escapeFormulaCell(value),
      boolean: (value) => (value ? "true" : "false"),
      number: (value) => String(value),
    },
  });
  csvTexts.set(dataset.rows, text);
  return text;
}

/** JSON: an array of objects with the same keys as the CSV, in the same order. */
export function datasetJson(dataset: Pick<Dataset, "columns" | "rows">): string {
  const known = jsonTexts.get(dataset.rows);
  if (known !== undefined) return known;
  const text = `${JSON.stringify(
    dataset.rows.map((row) => Object.fromEntries(dataset.columns.map((c) => [c.name, row[c.name] ?? null]))),
    null,
    1,
  )}\n`;
  jsonTexts.set(dataset.rows, text);
  return text;
}

/** The data dictionary: one row per column with its type and its description in `t`'s language. */
export function dictionaryOf(
  name: DatasetName,
  t: (key: string) => string,
): Dataset & { rows: { columna: string; tipo: ColumnType; descripcion: string }[] } {
  return {
    name,
    columns: [col("columna", "texto"), col("tipo", "texto"), col("descripcion", "texto")],
    rows: DATASET_COLUMNS[name].map((c) => ({
      columna: c.name,
      tipo: c.type,
      descripcion: t(`publico.columns.${c.name}`),
    })),
  };
}
