/**
 * Telegram end to end: the real telegraf bot long-polls the fake Bot API on 127.0.0.1 and runs
 * through the real runtime (createRuntime + createBot, temp SQLite). Citizens in private chats,
 * officials in the office's group chat.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Message } from "telegraf/types";
import { createTelegramHarness, GROUP, QUESTION_TEXT, type TelegramHarness } from "./telegram-harness.ts";

const ANA = 1001; // citizen
const JEFA = 2001; // head of infraestructura
const LUIS = 2002; // official of salud (another office)
const AMBIENTE = 2003; // official of ambiente
const CURIOSO = 3001; // group member, not an official
const UNBOUND = -100999; // a group no office is bound to

let h: TelegramHarness;
afterEach(async () => {
  await h?.close();
});

/** The head links her account, then binds the group from inside it. */
async function officeWithGroup(): Promise<void> {
  await h.linkOfficial(JEFA, "infraestructura", "head", "Jefa Infra");
  const bound = await h.push(h.fake.groupText(GROUP, JEFA, "/vincular_grupo@rinde_test_bot infraestructura"), {
    chatId: GROUP,
  });
  expect(bound?.params.text).toContain("quedó vinculado a Secretaría de Infraestructura");
}

const keyboardOf = (message: Message | undefined) =>
  (
    (message as { reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } })?.reply_markup
      ?.inline_keyboard ?? []
  ).flat();

describe("Telegram: citizens and office groups", () => {
  it("a citizen consents, asks and gets a radicado; the group gets the question; the official's reply reaches the citizen", async () => {
    h = await createTelegramHarness();
    // A group no office is bound to is ignored, commands included.
    h.fake.pushUpdate(h.fake.groupText(UNBOUND, JEFA, "/pendientes"));
    await officeWithGroup();
    expect(h.fake.calls("sendMessage").filter((c) => c.params.chat_id === UNBOUND)).toEqual([]);
    // Before consenting, the data notice comes with buttons and nothing else is stored.
    const notice = await h.say(ANA, "/start");
    expect(notice.params).toMatchObject({ chat_id: ANA, link_preview_options: { is_disabled: true } });
    expect(notice.params).not.toHaveProperty("parse_mode");
    expect(keyboardOf(h.lastMessage(ANA)).map((b) => b.callback_data)).toEqual(["o:0", "o:1", "o:2"]);
    await h.say(ANA, "/menu"); // typed commands still work

    const reference = await h.fileQuestion(ANA);
    expect(h.lastMessage(ANA).text).toContain(`Número de radicado: ${reference}`);
    const question = (await h.runtime.app.repos.questions.byReference(reference))!;
    expect(question.officeKey).toBe("infraestructura");

    // The group gets the notice with the radicado, office, due date, text and the action buttons.
    const posted = await h.fake.waitForCall(
      "sendMessage",
      (c) => c.params.chat_id === GROUP && String(c.params.text).includes(reference),
    );
    expect(String(posted.params.text)).toMatch(
      /Dependencia: Secretaría de Infraestructura[\s\S]*Responder a más tardar: martes 24 de marzo de 2026[\s\S]*hueco muy grande/,
    );
    const groupNotice = h.fake.sentMessages(GROUP).find((m) => "text" in m && m.text.includes(reference))!;
    expect(keyboardOf(groupNotice).map((b) => b.callback_data)).toEqual([
      `a:qa:${question.id}`,
      `a:qi:${question.id}`,
      `a:qr:${question.id}`,
      `a:qe:${question.id}`,
    ]);

    // A member who is not a registered official is refused; nothing changes.
    const refused = await h.push(
      h.fake.groupText(GROUP, CURIOSO, "Ya lo arreglaron", { replyToMessageId: groupNotice.message_id }),
      { chatId: GROUP },
    );
    expect(refused?.params.text).toContain("solo los funcionarios registrados");
    expect((await h.runtime.app.repos.questions.byId(question.id))?.status).toBe("open");
    // An official of another office is refused too.
    await h.linkOfficial(LUIS, "salud");
    const other = await h.push(
      h.fake.groupText(GROUP, LUIS, "Respondo yo", { replyToMessageId: groupNotice.message_id }),
      { chatId: GROUP },
    );
    expect(other?.params.text).toContain("no puede actuar");

    // The head answers by replying to the notice: the citizen gets it, the notice shows who answered.
    const answered = await h.push(
      h.fake.groupText(GROUP, JEFA, "La cuadrilla repara el hueco el jueves.", {
        replyToMessageId: groupNotice.message_id,
      }),
      { chatId: ANA },
    );
    expect(answered?.params.text).toContain("La cuadrilla repara el hueco el jueves.");
    await h.fake.waitForCall("editMessageText", (c) => c.params.message_id === groupNotice.message_id);
    const edited = h.fake
      .sentMessages(GROUP)
      .find((m) => m.message_id === groupNotice.message_id) as Message.TextMessage;
    expect(edited.text).toContain("✅ Respondida por Jefa Infra el lunes 2 de marzo de 2026.");
    expect(edited).not.toHaveProperty("reply_markup");
    expect(await h.runtime.app.repos.questions.byId(question.id)).toMatchObject({ status: "answered" });
    // The confirmation quotes the official's reply.
    const confirmation = await h.sent(GROUP, "quedó registrada");
    expect(confirmation.params.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
  });

  it("group buttons: extension, information request and answer by forced reply; reassign by choosing the office and a reason", async () => {
    h = await createTelegramHarness();
    await officeWithGroup();
    await h.linkOfficial(AMBIENTE, "ambiente", "official", "Laura Ambiente");
    const reference = await h.fileQuestion(ANA);
    const question = (await h.runtime.app.repos.questions.byReference(reference))!;
    await h.fake.waitForCall(
      "sendMessage",
      (c) => c.params.chat_id === GROUP && String(c.params.text).includes(reference),
    );
    const notice = h.fake.sentMessages(GROUP).find((m) => "text" in m && m.text.includes(reference))!;
    const pressOnNotice = (userId: number, data: string) =>
      h.push(h.fake.callbackQuery(userId, GROUP, notice.message_id, data), { chatId: GROUP });

    // A non-official pressing a button is refused; every press is answered.
    expect((await pressOnNotice(CURIOSO, `a:qa:${question.id}`))?.params.text).toContain(
      "solo los funcionarios registrados",
    );
    expect(h.fake.calls("answerCallbackQuery").every((c) => c.outcome?.ok)).toBe(true);

    // Extension (prórroga): the prompt gives the legal limit; the reply "<date> <reason>" extends the term.
    const extendPrompt = await pressOnNotice(JEFA, `a:qe:${question.id}`);
    expect(extendPrompt?.params).toMatchObject({ reply_markup: { force_reply: true } });
    const limit = /máximo el (\d{4}-\d{2}-\d{2})/.exec(String(extendPrompt?.params.text))![1]!;
    expect(limit > question.dueDate).toBe(true);
    const extendPromptId = (extendPrompt?.outcome as { result: Message }).result.message_id;
    const extended = await h.push(
      h.fake.groupText(GROUP, JEFA, "2026-04-07 Hace falta una visita técnica", { replyToMessageId: extendPromptId }),
      { chatId: ANA },
    );
    expect(extended?.params.text).toContain("Hace falta una visita técnica");
    expect(await h.runtime.app.repos.questions.byId(question.id)).toMatchObject({
      dueDate: "2026-04-07",
      extendedTo: "2026-04-07",
    });
    await h.sent(GROUP, `la nueva fecha límite de ${reference} es el martes 7 de abril de 2026`);

    // Ask for more information: a forced-reply prompt; the reply reaches the citizen.
    const infoPrompt = await pressOnNotice(JEFA, `a:qi:${question.id}`);
    expect(infoPrompt?.params).toMatchObject({
      reply_markup: { force_reply: true },
      reply_parameters: { message_id: notice.message_id },
    });
    const infoPromptId = (infoPrompt?.outcome as { result: Message }).result.message_id;
    const toCitizen = await h.push(
      h.fake.groupText(GROUP, JEFA, "¿En qué dirección exacta?", { replyToMessageId: infoPromptId }),
      { chatId: ANA },
    );
    expect(toCitizen?.params.text).toContain("¿En qué dirección exacta?");
    expect((await h.runtime.app.repos.questions.byId(question.id))?.status).toBe("info_requested");
    await h.sent(GROUP, "le pedimos la información al ciudadano");

    // Reassign: the office chooser, then a forced reply with the reason.
    const chooser = await pressOnNotice(JEFA, `a:qr:${question.id}`);
    expect(chooser?.params.text).toContain(`¿A qué dependencia pasa ${reference}?`);
    const offices = keyboardOf(h.lastMessage(GROUP));
    const ambiente = offices.find((b) => b.text === "Secretaría de Ambiente")!;
    expect(ambiente.callback_data).toBe(`a:qo:${question.id}:ambiente`);
    expect(offices.some((b) => b.callback_data.endsWith(":infraestructura"))).toBe(false);
    const reasonPrompt = await h.press(JEFA, GROUP, ambiente.callback_data);
    expect(reasonPrompt.params).toMatchObject({ reply_markup: { force_reply: true } });
    const reasonPromptId = (reasonPrompt.outcome as { result: Message }).result.message_id;
    const since = h.mark();
    await h.push(
      h.fake.groupText(GROUP, JEFA, "Es de la quebrada, le toca a Ambiente", { replyToMessageId: reasonPromptId }),
      { chatId: ANA },
    );
    expect((await h.runtime.app.repos.questions.byId(question.id))?.officeKey).toBe("ambiente");
    await h.sent(GROUP, "↪️ Reasignada a Secretaría de Ambiente por Jefa Infra", { method: "editMessageText", since });
    expect(
      (h.fake.sentMessages(GROUP).find((m) => m.message_id === notice.message_id) as Message.TextMessage).text,
    ).toContain("↪️ Reasignada a Secretaría de Ambiente por Jefa Infra");
    await h.sent(GROUP, "pasó a Secretaría de Ambiente", { since });

    // The old office's answer button now says the question is no longer theirs.
    expect((await pressOnNotice(JEFA, `a:qa:${question.id}`))?.params.text).toContain("no puede actuar");

    // The new office's official gets the notice in private and answers with the button's forced reply.
    const privateNotice = await h.sent(AMBIENTE, `Nueva pregunta ${reference}`, { since });
    const answerPrompt = await h.push(
      h.fake.callbackQuery(
        AMBIENTE,
        AMBIENTE,
        (privateNotice.outcome as { result: Message }).result.message_id,
        `a:qa:${question.id}`,
      ),
      { chatId: AMBIENTE },
    );
    expect(answerPrompt?.params).toMatchObject({
      text: expect.stringContaining(`Laura Ambiente, escriba la respuesta a ${reference}`),
      reply_markup: { force_reply: true },
    });
    const answerPromptId = (answerPrompt?.outcome as { result: Message }).result.message_id;
    const answer = await h.push(
      h.fake.privateText(AMBIENTE, "Limpiaremos la quebrada el viernes.", { replyToMessageId: answerPromptId }),
      { chatId: ANA },
    );
    expect(answer?.params.text).toContain("Limpiaremos la quebrada el viernes.");
    expect(await h.runtime.app.repos.questions.byId(question.id)).toMatchObject({ status: "answered" });
    await h.sent(AMBIENTE, "✅ Respondida por Laura Ambiente", { method: "editMessageText" });
  });

  it("photos and documents join the question and reach the group; other media get what the bot accepts", async () => {
    h = await createTelegramHarness();
    await officeWithGroup();
    // Outside a question (no consent yet) a photo is not kept.
    await h.say(ANA, "/start");
    const early = await h.push(h.fake.privatePhoto(ANA), { chatId: ANA });
    expect(early?.params.text).toContain("elija «Hacer una pregunta o petición»");
    await h.press(ANA, ANA, "o:0"); // consent → menu

    const sticker = await h.push(h.fake.privateSticker(ANA), { chatId: ANA });
    expect(sticker?.params.text).toContain(
      "Puedo recibir mensajes de texto, fotos, documentos (PDF, Word, Excel…) y ubicaciones",
    );
    const voice = await h.push(h.fake.privateVoice(ANA), { chatId: ANA });
    expect(voice?.params.text).toContain("No puedo escuchar notas de voz");

    // A document without caption at the menu starts the question; a photo with the question as caption files it.
    const started = await h.push(h.fake.privateDocument(ANA, { fileName: "derecho-peticion.pdf" }), { chatId: ANA });
    expect(started?.params.text).toMatch(/Recibí su archivo \(1 en total\)[\s\S]*Escriba su pregunta/);
    const photoUpdate = h.fake.privatePhoto(ANA, { caption: QUESTION_TEXT });
    await h.push(photoUpdate, { chatId: ANA });
    await h.press(ANA, ANA, "o:0");
    const receipt = await h.press(ANA, ANA, "o:0");
    const reference = /RC-\d{4}-\d{6}/.exec(String(receipt.params.text))![0];
    const question = (await h.runtime.app.repos.questions.byReference(reference))!;
    const files = await h.runtime.app.repos.attachments.forQuestion(question.id);
    expect(files.map((f) => [f.kind, f.channel])).toEqual([
      ["document", "telegram"],
      ["photo", "telegram"],
    ]);
    expect(files[1]!.fileRef).toBe(photoUpdate.message.photo.at(-1)!.file_id);
    expect(files[0]!.fileName).toBe("derecho-peticion.pdf");

    // The group gets the notice (saying there are files) and each file by its file_id.
    const notice = await h.fake.waitForCall(
      "sendMessage",
      (c) => c.params.chat_id === GROUP && String(c.params.text).includes(reference),
    );
    expect(notice.params.text).toContain("Adjuntos del ciudadano: 2");
    const document = await h.sent(GROUP, `${reference} — adjunto 1 de 2`, { method: "sendDocument" });
    expect(document.params).toMatchObject({ document: files[0]!.fileRef });
    const photo = await h.sent(GROUP, `${reference} — adjunto 2 de 2`, { method: "sendPhoto" });
    expect(photo.params).toMatchObject({ photo: files[1]!.fileRef });

    // Erasing the citizen's data erases the file references too.
    const { eraseCitizen } = await import("../../src/services/privacy/consent.ts");
    await eraseCitizen(h.runtime.app, question.citizenId);
    expect(await h.runtime.app.repos.attachments.forQuestion(question.id)).toEqual([]);
  });

  it("a shared point or venue joins the question while asking; a live location is not kept", async () => {
    h = await createTelegramHarness();
    await officeWithGroup();
    await h.say(ANA, "/start");
    await h.press(ANA, ANA, "o:0"); // consent → menu
    await h.press(ANA, ANA, "o:0"); // ask → prompt
    const point = await h.push(h.fake.privateLocation(ANA, 4.8133, -75.6961), { chatId: ANA });
    expect(point?.params.text).toMatch(
      /^Recibimos la ubicación \(adjuntos en total: 1\)\. Se enviará con su pregunta\./,
    );
    const venue = h.fake.privateLocation(ANA, 4.8087, -75.6906);
    const place = { location: venue.message.location, title: "Parque El Lago", address: "Cra. 7 con Cl. 24" };
    const second = await h.push({ message: { ...venue.message, venue: place } }, { chatId: ANA });
    expect(second?.params.text).toContain("Recibimos la ubicación (adjuntos en total: 2)");
    const live = h.fake.privateLocation(ANA, 4.81, -75.69);
    const moving = { message: { ...live.message, location: { ...live.message.location, live_period: 900 } } };
    expect((await h.push(moving, { chatId: ANA }))?.params.text).toContain("No pudimos guardar esa ubicación");

    await h.say(ANA, QUESTION_TEXT);
    await h.press(ANA, ANA, "o:0");
    const receipt = await h.press(ANA, ANA, "o:0");
    const reference = /RC-\d{4}-\d{6}/.exec(String(receipt.params.text))![0];
    const question = (await h.runtime.app.repos.questions.byReference(reference))!;
    const places = await h.runtime.app.repos.attachments.forQuestion(question.id);
    expect(places.map((p) => [p.kind, p.fileRef, p.placeName, p.placeAddress])).toEqual([
      ["location", "geo:4.8133,-75.6961", null, null],
      ["location", "geo:4.8087,-75.6906", "Parque El Lago", "Cra. 7 con Cl. 24"],
    ]);

    // The group gets each place as a line with the coordinates and a map link, then the pin (or the venue).
    const notice = await h.sent(GROUP, reference);
    expect(notice.params.text).toContain("Adjuntos del ciudadano: 2");
    const firstLine = await h.sent(GROUP, `${reference} — adjunto 1 de 2: ubicación 4.8133, -75.6961`);
    expect(firstLine.params.text).toContain(
      "Ver en el mapa: https://www.openstreetmap.org/?mlat=4.8133&mlon=-75.6961#map=18/4.8133/-75.6961",
    );
    const pin = await h.fake.waitForCall("sendLocation", (c) => c.params.chat_id === GROUP);
    expect(pin.params).toMatchObject({ latitude: 4.8133, longitude: -75.6961 });
    expect(pin.seq).toBeGreaterThan(firstLine.seq);
    const secondLine = await h.sent(GROUP, `${reference} — adjunto 2 de 2: ubicación 4.8087, -75.6906`);
    expect(secondLine.params.text).toContain("(Parque El Lago, Cra. 7 con Cl. 24)");
    const venuePin = await h.fake.waitForCall("sendVenue", (c) => c.params.chat_id === GROUP);
    expect(venuePin.params).toMatchObject({
      latitude: 4.8087,
      longitude: -75.6906,
      title: "Parque El Lago",
      address: "Cra. 7 con Cl. 24",
    });

    // Erasing the citizen's data erases the places too.
    const { eraseCitizen } = await import("../../src/services/privacy/consent.ts");
    await eraseCitizen(h.runtime.app, question.citizenId);
    expect(await h.runtime.app.repos.attachments.forQuestion(question.id)).toEqual([]);
  });

  it("stale buttons change nothing; deep links open commands or get a polite note; long answers are split", async () => {
    h = await createTelegramHarness();
    await h.say(ANA, "/start");
    const consentMenu = h.lastMessage(ANA);
    await h.press(ANA, ANA, "o:0"); // consent → main menu
    // Pressing "No autorizo" on the old consent message now: stale, nothing changes.
    const stale = await h.push(h.fake.callbackQuery(ANA, ANA, consentMenu.message_id, "o:1"), { chatId: ANA });
    expect(stale?.params.text).toContain("Ese botón es de un mensaje anterior");
    expect(await h.runtime.app.repos.citizens.findContext("telegram", String(ANA))).toMatchObject({
      consent: "granted",
      flowId: "main",
      stepId: "menu",
    });
    // A button the bot does not know (an older version's) is answered and stale too.
    const unknown = await h.push(h.fake.callbackQuery(ANA, ANA, consentMenu.message_id, "vote:si"), { chatId: ANA });
    expect(unknown?.params.text).toContain("Ese botón es de un mensaje anterior");
    expect(h.fake.calls("answerCallbackQuery").filter((c) => c.outcome?.ok)).toHaveLength(3);

    const status = await h.push(h.fake.startCommand(ANA, "estado"), { chatId: ANA });
    expect(status?.params.text).toContain("radicado");
    const unknownLink = await h.push(h.fake.startCommand(ANA, "encuesta-999"), { chatId: ANA });
    expect(unknownLink?.params.text).toMatch(/^No reconozco el enlace[\s\S]*¿Qué quiere hacer\?/);

    // A long answer from the office arrives in parts of at most 4096 characters, split on lines.
    const reference = await h.fileQuestion(ANA);
    const paragraph = `${"La secretaría revisó el caso con el equipo de obras y el interventor. ".repeat(10).trim()}\n`;
    const { answerQuestion } = await import("../../src/services/questions/questions.ts");
    const before = h.fake.calls().length;
    h.clock.advanceMs(1_500);
    expect((await answerQuestion(h.runtime.app, { kind: "cli" }, reference, paragraph.repeat(12))).ok).toBe(true);
    await h.bot.dispatcher.tick();
    const parts = h.fake.calls("sendMessage").filter((c) => c.seq >= before && c.params.chat_id === ANA);
    expect(parts).toHaveLength(3);
    for (const part of parts) expect(String(part.params.text).length).toBeLessThanOrEqual(4096);
    expect(String(parts[1]!.params.text).startsWith("La secretaría")).toBe(true);
  });

  it("a citizen's reply to the office's information request, or plain text, is that information, attached at once (issue 18.3)", async () => {
    h = await createTelegramHarness();
    const reference = await h.fileQuestion(ANA);
    const { requestInfo } = await import("../../src/services/questions/questions.ts");
    expect(
      (await requestInfo(h.runtime.app, { kind: "cli" }, reference, "¿En qué dirección exacta está el hueco?")).ok,
    ).toBe(true);
    const request = await h.sent(ANA, "¿En qué dirección exacta está el hueco?");
    const requestMessage = h.fake
      .sentMessages(ANA)
      .find((m) => "text" in m && m.text.includes("¿En qué dirección exacta")) as Message.TextMessage;
    expect(String(request.params.text)).toContain("responda a este mensaje");

    const done = await h.push(
      h.fake.privateText(ANA, "Calle 12 con carrera 8", { replyToMessageId: requestMessage.message_id }),
      { chatId: ANA },
    );
    expect(done?.params.text).toContain(`Agregamos su información a la pregunta ${reference}`);
    const question = (await h.runtime.app.repos.questions.byReference(reference))!;
    expect(question.status).toBe("open");
    expect((await h.runtime.app.repos.questions.history(question.id)).map((e) => e.kind)).toEqual([
      "filed",
      "info_requested",
      "info_provided",
    ]);

    // Plain free text, without a reply, is the information too: attached at once, with the way out.
    expect((await requestInfo(h.runtime.app, { kind: "cli" }, reference, "¿Cerca de qué número de casa?")).ok).toBe(
      true,
    );
    await h.sent(ANA, "¿Cerca de qué número de casa?");
    const plain = await h.push(h.fake.privateText(ANA, "Frente a la casa 8-45"), { chatId: ANA });
    expect(plain?.params.text).toContain(`Agregamos su información a la pregunta ${reference}`);
    expect(plain?.params.text).toContain("escriba NUEVA PREGUNTA");
    expect((await h.runtime.app.repos.questions.byReference(reference))?.status).toBe("open");
  });
});
