import { describe, expect, it } from "vitest";
import {
  aggregateResponses,
  parsePaperCsv,
  type AnswerWords,
  type ResponseRecord,
  type SurveyQuestion,
} from "../../src/core/surveys/index.ts";

const questions: SurveyQuestion[] = [
  { id: "overall", type: "scale", text: "k.overall", optional: false },
  { id: "answered", type: "yes_no", text: "k.answered", optional: false },
  {
    id: "heard",
    type: "choice",
    text: "k.heard",
    optional: true,
    options: [
      { id: "chat", label: "k.chat" },
      { id: "radio", label: "k.radio" },
      { id: "other", label: "k.other" },
    ],
  },
  { id: "improve", type: "text", text: "k.improve", optional: true, maxLength: 40 },
];

const chat = (answers: ResponseRecord["answers"], completed = true): ResponseRecord => ({
  source: "chat",
  completed,
  answers,
});
const paper = (answers: ResponseRecord["answers"]): ResponseRecord => ({ source: "paper", completed: true, answers });

describe("aggregating responses", () => {
  const responses = [
    chat({ overall: "5", answered: "yes", heard: "chat", improve: "Más tiempo para preguntas" }),
    chat({ overall: "4", answered: "yes", heard: null, improve: null }),
    chat({ overall: "2", answered: "no" }, false),
    paper({ overall: "3", answered: "no", heard: "radio", improve: "Sonido" }),
    paper({ overall: "5", answered: "yes", heard: "radio" }),
  ];
  const results = aggregateResponses(questions, { invited: 10, delivered: 8 }, responses);

  it("counts responses by source and the chat response rate", () => {
    expect(results).toMatchObject({
      invited: 10,
      delivered: 8,
      responses: 5,
      chatResponses: 3,
      paperResponses: 2,
      completed: 4,
      responseRate: 0.375,
    });
  });

  it("gives the mean and the distribution of a scale", () => {
    const overall = results.questions[0]!;
    expect(overall.mean).toBe(3.8);
    expect(overall.answered).toBe(5);
    expect(overall.distribution).toEqual([
      { value: "1", count: 0, share: 0 },
      { value: "2", count: 1, share: 0.2 },
      { value: "3", count: 1, share: 0.2 },
      { value: "4", count: 1, share: 0.2 },
      { value: "5", count: 2, share: 0.4 },
    ]);
  });

  it("counts yes/no and each choice, telling skipped from not reached", () => {
    expect(results.questions[1]!.distribution).toEqual([
      { value: "yes", count: 3, share: 0.6 },
      { value: "no", count: 2, share: 0.4 },
    ]);
    const heard = results.questions[2]!;
    expect(heard).toMatchObject({ answered: 3, skipped: 1 });
    expect(heard.distribution?.map((d) => [d.value, d.count])).toEqual([
      ["chat", 1],
      ["radio", 2],
      ["other", 0],
    ]);
  });

  it("lists free-text comments in order", () => {
    expect(results.questions[3]).toMatchObject({
      answered: 2,
      skipped: 1,
      comments: ["Más tiempo para preguntas", "Sonido"],
    });
  });

  it("has no rate without deliveries, no mean without answers, and ignores values a newer definition dropped", () => {
    const empty = aggregateResponses(questions, { invited: 0, delivered: 0 }, [
      paper({ overall: "9", answered: "yes" }),
    ]);
    expect(empty.responseRate).toBeNull();
    expect(empty.questions[0]).toMatchObject({ answered: 0, mean: null });
  });
});

const words: AnswerWords = { yes: ["sí", "si", "yes"], no: ["no"], skip: ["omitir"], optOut: [] };
const labelsOf = (q: SurveyQuestion): string[][] =>
  q.type === "choice" ? q.options.map((o) => [o.id === "chat" ? "Por este chat" : o.id]) : [];

describe("paper survey CSV", () => {
  it("reads one respondent per row, with labels, blanks for skipped optional answers and ';' files", () => {
    const csv = '\uFEFFoverall,answered,heard,improve\n5,sí,Por este chat,"Más sillas, por favor"\n\n3,0,,\n';
    const result = parsePaperCsv(csv, questions, words, labelsOf);
    expect(result).toEqual({
      ok: true,
      rows: [
        { line: 2, answers: { overall: "5", answered: "yes", heard: "chat", improve: "Más sillas, por favor" } },
        { line: 4, answers: { overall: "3", answered: "no", heard: null, improve: null } },
      ],
    });
    const semicolons = parsePaperCsv("Overall;Answered\r\n4;no\r\n", questions, words, labelsOf);
    expect(semicolons).toEqual({ ok: true, rows: [{ line: 2, answers: { overall: "4", answered: "no" } }] });
  });

  it("reports every bad row with its line number", () => {
    const csv = [
      "overall,answered,heard,improve",
      "5,yes,chat,ok", // 2 fine
      "7,yes,chat,", // 3 scale out of range
      ",si,,", // 4 required missing
      "4,quizás,tv,", // 5 two problems
      '3,no,radio,"una línea', // 6–7 a quoted comment over two lines, too long
      'y otra más larga de lo permitido aquí"',
      "2,no", // 8 too few columns
      ",,,", // 9 empty
    ].join("\n");
    const result = parsePaperCsv(csv, questions, words, labelsOf);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 5, 6, 8, 9]);
    expect(problems[0]).toEqual({
      line: 3,
      key: "cli.import.answer_not_scale",
      vars: { column: "overall", value: "7" },
    });
    expect(problems[1]).toEqual({ line: 4, key: "cli.import.answer_required", vars: { column: "overall" } });
    expect(problems[2]).toMatchObject({
      line: 5,
      key: "cli.import.answer_not_yes_no",
      vars: { column: "answered", value: "quizás" },
    });
    expect(problems[3]).toMatchObject({
      line: 5,
      key: "cli.import.answer_not_choice",
      vars: { column: "heard", value: "tv", options: "chat (1), radio (2), other (3)" },
    });
    expect(problems[4]).toEqual({ line: 6, key: "cli.import.answer_too_long", vars: { column: "improve", max: 40 } });
    expect(problems[5]).toMatchObject({
      line: 8,
      key: "cli.import.field_count_quotes",
      vars: { expected: 4, found: 2 },
    });
    expect(problems[6]).toEqual({ line: 9, key: "cli.import.empty_row" });
  });

  it("checks the header: unknown, repeated and missing required columns", () => {
    const result = parsePaperCsv("overall,overall,color\n5,5,red\n", questions, words, labelsOf);
    expect(result.ok ? [] : result.problems).toEqual([
      { line: 1, key: "cli.import.repeated_column", vars: { name: "overall" } },
      {
        line: 1,
        key: "cli.import.unknown_survey_column",
        vars: { name: "color", list: "overall, answered, heard, improve" },
      },
      { line: 1, key: "cli.import.missing_survey_column", vars: { name: "answered" } },
    ]);
  });

  it("explains an empty file, a header alone and broken quoting", () => {
    expect(parsePaperCsv("", questions, words, labelsOf)).toMatchObject({ ok: false, problems: [{ line: 1 }] });
    // Excel in Colombia saves with ';': read the same; a row split by the other separator says so.
    expect(parsePaperCsv("overall;answered\n5;sí\n", questions, words, labelsOf)).toMatchObject({
      ok: true,
      rows: [{ line: 2, answers: { overall: "5", answered: "yes" } }],
    });
    expect(parsePaperCsv("overall;answered\n5,sí\n", questions, words, labelsOf)).toMatchObject({
      ok: false,
      problems: [{ line: 2, key: "cli.import.field_count_separator", vars: { separator: ";", other: "," } }],
    });
    expect(parsePaperCsv("overall|answered\n5|sí\n", questions, words, labelsOf)).toMatchObject({
      ok: false,
      problems: [{ line: 1, key: "cli.import.wrong_separator", vars: { found: "|" } }],
    });
    expect(parsePaperCsv("overall,answered\n", questions, words, labelsOf)).toMatchObject({
      ok: false,
      problems: [{ line: 2, key: "cli.import.no_responses" }],
    });
    const broken = parsePaperCsv('overall,answered\n5,"yes\n', questions, words, labelsOf);
    expect(broken).toMatchObject({ ok: false, problems: [{ key: "cli.import.not_csv" }] });
  });
});
