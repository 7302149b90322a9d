/**
 * Handles one inbound citizen message in one transaction: dedup by channel message id, load the
 * citizen and their position, run the flow (and its actions), save the position, queue the replies.
 * Nothing is acknowledged that is not on disk: replies are outbox rows of the same transaction.
 */
import type { InboundMedia, InboundMessage } from "../../channels/channel.ts";
import { parseGeoRef, placeText } from "../../core/geo.ts";
import { isLongerThan, MAX_CITIZEN_TEXT_LENGTH, textLength } from "../../core/text-length.ts";
import type { CitizenContext } from "../../db/repositories/citizens.ts";
import type { OutboxPayload } from "../../db/repositories/outbox.ts";
import { IDLE, type ConversationState, type Engine, type Render, type Turn } from "../../engine/engine.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { ACTIONS, MAX_QUESTION_LENGTH, MIN_QUESTION_LENGTH, PRE_CONSENT_TEXT } from "./actions.ts";
import type { ActionContext } from "./action-definition.ts";
import { render, type AppContext } from "../context.ts";
import { enqueueAbout } from "../sent-messages.ts";
import { attachmentsFromData, type QuestionAttachmentInput } from "../questions/questions.ts";
import type { StaffReply } from "../staff/buttons.ts";
import { eventShortcutTurn } from "../events/inbound.ts";
import { infoReplyTurn } from "../questions/info-reply.ts";
import { handleEventWizard } from "../events/wizard.ts";
import { classifySender, handleStaffMessage } from "../staff/staff.ts";
import { reclaimUnseenSurvey } from "../surveys/surveys.ts";
import { commitCitizenTurn, MENU_OUTBOX_KEY, runActions, sanitizeText } from "./turn.ts";

export type HandleResult =
  | { status: "duplicate" }
  | { status: "ignored" }
  | { status: "staff"; outboxIds: number[] }
  | { status: "handled"; citizenId: number; outboxIds: number[] };

export function createInboundHandler(app: AppContext, engine: Engine) {
  const { repos, clock, translator, store } = app;
  const commandWords = (key: string) => translator.wordsInAllLocales(key);

  function renderFor(citizen: CitizenContext) {
    return (key: string, vars: Record<string, unknown>) => render(app, citizen.locale, key, vars);
  }

  /**
   * The turn for a message, before actions: a stale button, a file, a deep link, a bad-input
   * reply, a command, or the flow's next step.
   */
  async function firstTurn(
    citizen: CitizenContext,
    state: ConversationState | undefined,
    message: InboundMessage,
  ): Promise<Turn> {
    const r = renderFor(citizen);
    if (!state) return firstContactTurn(message, r);
    if (message.button && !(await isCurrentMenu(message, state))) return stay(state, r("chat.stale_button", {}));
    let current = state;
    const text = sanitizeText(message.text ?? "");
    // A location without a fixed point (a live location, impossible coordinates): nothing to keep.
    if (message.media?.kind === "location" && !isSharedLocation(message.media))
      return stay(state, r("attachments.location_unusable", {}));
    if (message.media && !keepsFiles(message.channel, message.media) && UNKEPT_FILE_NOTICES[message.channel])
      return await unkeptFileTurn(citizen, state, message, text, r);
    if (message.media) {
      const attached = attach(message.channel, citizen, state, message.media, r);
      if (!attached.ok) return stay(state, attached.text);
      if (!text) return attached.turn;
      current = attached.state;
    }
    if (message.startPayload !== undefined) {
      // A deep link naming a command (t.me/<bot>?start=estado) opens it; any other is not ours (yet).
      const target = engine.commandFor(message.startPayload, commandWords);
      if (target) return engine.start(target, current.data, r);
      const turn = textTurn(current, text, r);
      return { ...turn, outputs: [{ text: r("chat.unknown_link", {}) }, ...turn.outputs] };
    }
    // Stop words and event shortcuts work at any point of any conversation (issue 6).
    const shortcut = text ? eventShortcutTurn(engine, text, r) : undefined;
    if (shortcut) return shortcut;
    // A reply to an office's information request is that information (issue 18.3), unless it is a command.
    const infoReply =
      text && isFreeText(text) && !engine.commandFor(text, commandWords)
        ? await infoReplyTurn(app, engine, citizen, message, text, r)
        : undefined;
    return infoReply ?? textTurn(current, text, r);
  }

  /**
   * A new citizen's first message starts the consent flow. When it reads as a question (not a
   * greeting, a command or a link) it waits in the conversation to be offered for filing once the
   * citizen consents, instead of being lost (issue 18, point 4); the citizen is told so.
   */
  function firstContactTurn(message: InboundMessage, r: Render): Turn {
    const text = sanitizeText(message.text ?? "");
    const isQuestion =
      message.startPayload === undefined &&
      text.length >= MIN_QUESTION_LENGTH &&
      text.length <= MAX_QUESTION_LENGTH &&
      !text.startsWith("/") &&
      !isGreeting(text) &&
      engine.commandFor(text, commandWords) === undefined;
    if (!isQuestion) return engine.start(engine.entry, {}, r);
    const turn = engine.start(engine.entry, { [PRE_CONSENT_TEXT]: text }, r);
    return { ...turn, outputs: [{ text: r("newcomer.consent.kept_for_later", {}) }, ...turn.outputs] };
  }

  function textTurn(state: ConversationState, text: string, r: Render): Turn {
    if (!text) return stay(state, r("engine.empty", {}));
    // One rule for every citizen text, counted as a person sees it (issues 18.5 and 19.7).
    if (isLongerThan(text, MAX_CITIZEN_TEXT_LENGTH))
      return stay(state, r("engine.too_long", { length: textLength(text), max: MAX_CITIZEN_TEXT_LENGTH }));
    const command = engine.commandFor(text, commandWords);
    if (command) return engine.start(command, state.data, r);
    if (/^\/\S+$/.test(text)) return stay(state, r("engine.unknown_command", { command: text.slice(0, 32) }));
    if (!engine.isKnown(state)) {
      const restarted = engine.start(engine.idle, {}, r);
      return { ...restarted, outputs: [{ text: r("engine.restarted", {}) }, ...restarted.outputs] };
    }
    // A typo of a global word ("ayda", "idiona"), unless the step waiting for an answer understands the text
    // (a menu option, or a radicado: "estado RC-2026-000001").
    const nearCommand = engine.commandFor(text, commandWords, { fuzzy: true });
    if (nearCommand && !engine.understands(state, text, r)) return engine.start(nearCommand, state.data, r);
    return engine.input(state, text, r);
  }

  /**
   * A file on a channel whose files cannot be kept (UNKEPT_FILE_NOTICES): the citizen is told so
   * plainly, and a caption is still read as their text, after that notice, so they need not type it
   * again. The office never sees the file, and the citizen knows it.
   */
  async function unkeptFileTurn(
    citizen: CitizenContext,
    state: ConversationState,
    message: InboundMessage,
    text: string,
    r: Render,
  ): Promise<Turn> {
    const notices = UNKEPT_FILE_NOTICES[message.channel]!;
    if (!text) return stay(state, r(notices.withoutText, {}));
    const turn = await firstTurn(citizen, state, { ...message, media: undefined });
    return { ...turn, outputs: [{ text: r(notices.withText, {}) }, ...turn.outputs] };
  }

  /**
   * An option button counts only on the menu the conversation waits on: the message it was sent
   * with is the one recorded in the conversation. A button of an older message changes nothing.
   */
  async function isCurrentMenu(message: InboundMessage, state: ConversationState): Promise<boolean> {
    const button = message.button!;
    if (button.optionIndex === undefined) return false;
    const outboxId = await repos.sentRefs.firstOutboxId(message.channel, button.onChannelMessageId);
    return outboxId !== undefined && outboxId === state.data[MENU_OUTBOX_KEY];
  }

  /**
   * A photo, document or shared location while asking (or at the menu, which starts asking) joins
   * the question's `attachments`; without a caption the citizen is asked to write the question.
   * Other media, or attachments outside a question, get a reply saying what the bot accepts.
   */
  function attach(
    channel: string,
    citizen: CitizenContext,
    state: ConversationState,
    media: InboundMedia,
    r: Render,
  ): { ok: true; state: ConversationState; turn: Turn } | { ok: false; text: string } {
    if (!keepsFiles(channel, media)) return { ok: false, text: r("engine.media_unsupported", {}) };
    if (!isAttachable(media)) return { ok: false, text: r("attachments.unsupported", {}) };
    const atMenu = state.stepId === IDLE || `${state.flowId}.${state.stepId}` === engine.idle;
    const keys = media.kind === "location" ? LOCATION_TEXTS : FILE_TEXTS;
    if (citizen.consent !== "granted" || !(atMenu || state.flowId === ASK_FLOW))
      return { ok: false, text: r(keys.notNow, {}) };
    const attachments = attachmentsFromData(state.data.attachments);
    if (attachments.length >= MAX_ATTACHMENTS)
      return { ok: false, text: r("attachments.too_many", { max: MAX_ATTACHMENTS }) };
    const next = { ...state, data: { ...state.data, attachments: [...attachments, attachmentOf(media)] } };
    const count = attachments.length + 1;
    if (!atMenu && state.stepId !== ASK_PROMPT_STEP)
      return { ok: true, state: next, turn: stay(next, r(keys.added, { count })) };
    // At the menu the question starts now; at the prompt the prompt is shown again.
    const turn = engine.start(atMenu ? `${ASK_FLOW}.start` : `${ASK_FLOW}.${ASK_PROMPT_STEP}`, next.data, r);
    return {
      ok: true,
      state: next,
      turn: { ...turn, outputs: [{ text: r(keys.received, { count }) }, ...turn.outputs] },
    };
  }

  /** Handles a message. Synchronous: the whole message is one transaction. */
  async function handle(message: InboundMessage): Promise<HandleResult> {
    return await store.withTransaction(async () => {
      const nowMs = clock.nowMs();
      const recorded = await repos.inbound.record(message.channel, message.channelMessageId, nowMs, message.address);
      if (recorded === undefined) return { status: "duplicate" };
      const inboundId = recorded.id;
      const sender = await classifySender(app, message);
      if (sender.kind === "ignore") return { status: "ignored" };
      if (sender.kind === "staff") {
        // Communications staff's event wizard (`/evento`) first; otherwise the usual staff commands.
        const replies =
          (sender.official && (await handleEventWizard(app, engine, message, sender.official))) ||
          (await handleStaffMessage(app, message, sender));
        const outboxIds: number[] = [];
        for (const [i, reply] of replies.entries()) {
          const row = {
            idempotencyKey: `in:${inboundId}:${i}`,
            channel: message.channel,
            address: message.address,
            payload: staffPayload(reply, message),
            questionId: reply.questionId ?? null,
          };
          const about =
            reply.questionId === undefined
              ? undefined
              : { kind: "staff_reply" as const, questionId: reply.questionId, staffPrompt: reply.staffPrompt ?? null };
          const id = await enqueueAbout(app, row, about, nowMs);
          if (id !== undefined) outboxIds.push(id);
        }
        return { status: "staff", outboxIds };
      }
      const citizen =
        (await repos.citizens.findContext(message.channel, message.address)) ??
        (await repos.citizens.create(message.channel, message.address, localeFromHint(message.languageHint), nowMs));
      if (citizen.unreachableAtMs !== null) await welcomeBack(message, nowMs);
      // A survey whose question has not reached the citizen yet does not read this message as an answer.
      const state = await reclaimUnseenSurvey(app, citizen.citizenId, stateOf(citizen), nowMs);
      const where = { channel: message.channel, address: message.address };
      const turn = keepPreConsentText(
        await runActions<ActionContext>(
          engine,
          await firstTurn(citizen, state, message),
          ACTIONS,
          { app, citizen, ...where },
          renderFor(citizen),
        ),
      );
      const outboxId = await commitCitizenTurn(
        app,
        citizen.citizenId,
        state,
        turn,
        { idempotencyKey: `in:${inboundId}`, ...where },
        nowMs,
      );
      // Already tied when recorded, unless this is the citizen's first message. After an erasure the
      // row stays untied (the erasure untied the citizen's rows, this one included).
      if (!turn.erased && recorded.citizenId !== citizen.citizenId)
        await repos.inbound.attach(inboundId, citizen.citizenId);
      return { status: "handled", citizenId: citizen.citizenId, outboxIds: outboxId === undefined ? [] : [outboxId] };
    });
  }

  /**
   * A citizen whose chat was unreachable (they had blocked the bot) writes again: the chat is
   * reachable, and what has legal weight and never arrived (an answer, an information request, an
   * extension notice) is queued again, ahead of the reply to this message (issue 19).
   */
  async function welcomeBack(message: InboundMessage, nowMs: number): Promise<void> {
    await repos.citizens.markReachable(message.channel, message.address);
    await repos.outbox.redeliverLegal(message.channel, message.address, nowMs);
  }

  function localeFromHint(hint: string | undefined): string {
    const base = hint?.slice(0, 2).toLowerCase();
    return base && translator.supports(base) ? base : DEFAULT_LOCALE;
  }

  return { handle };
}

export type InboundHandler = ReturnType<typeof createInboundHandler>;

/** Where files are accepted: the ask flow, whose prompt step takes the question's text. */
const ASK_FLOW = "ask";
const ASK_PROMPT_STEP = "prompt";
/**
 * Channels whose adapters hand over file references an office chat can show later (Telegram's
 * file_id). Elsewhere files are not kept, and the reply says that only text is read.
 */
const CHANNELS_KEEPING_FILES: ReadonlySet<string> = new Set(["telegram"]);
/**
 * Whether `media` can be kept: a shared location always (its coordinates are the content, valid on
 * every channel), a file where its channel keeps files or its adapter says so (WhatsApp Cloud API, issue 17).
 */
const keepsFiles = (channel: string, media: InboundMedia) =>
  isSharedLocation(media) || CHANNELS_KEEPING_FILES.has(channel) || media.keptByChannel === true;
/**
 * Channels that deliver files but give no reference another chat could reuse (WhatsApp media through
 * Baileys are encrypted per message and expire; the Cloud API's are kept, see `keptByChannel`), and
 * what the citizen is told: with a caption, that the file was
 * not kept but the text was read; without, to describe it in words. Other channels without files
 * answer `engine.media_unsupported`.
 */
const UNKEPT_FILE_NOTICES: Readonly<Record<string, { withText: string; withoutText: string }>> = {
  whatsapp: { withText: "whatsapp_files.not_kept", withoutText: "whatsapp_files.not_received" },
};
/** Most files one question may carry. */
export const MAX_ATTACHMENTS = 10;

/** Text the flow may take as free text: within the length rule (longer texts get engine.too_long). */
function isFreeText(text: string): boolean {
  return !isLongerThan(text, MAX_CITIZEN_TEXT_LENGTH);
}

/** Words of a greeting, not of a question ("Buenas tardes, ¿cómo está?"). */
const GREETING_WORDS = new Set([
  "hola",
  "buenas",
  "buenos",
  "buen",
  "dia",
  "dias",
  "tarde",
  "tardes",
  "noche",
  "noches",
  "como",
  "esta",
  "estan",
  "que",
  "tal",
  "saludos",
  "gracias",
  "senor",
  "senora",
  "senores",
  "hello",
  "hi",
  "good",
  "morning",
  "afternoon",
  "evening",
  "how",
  "are",
  "you",
]);

/** Whether a text says little more than hello: fewer than three words that are not greeting words. */
function isGreeting(text: string): boolean {
  const words = text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return words.filter((w) => !GREETING_WORDS.has(w)).length < 3;
}

/** The flow during which a question typed before consent may wait (flows/consent.yaml). */
const CONSENT_FLOW = "consent";

/**
 * A question typed before consent is kept only while the citizen is deciding: leaving the consent
 * flow any other way (a command, MENÚ) forgets it (DESIGN.md invariant 4).
 */
function keepPreConsentText<T extends Turn>(turn: T): T {
  if (turn.state.flowId === CONSENT_FLOW || !(PRE_CONSENT_TEXT in turn.state.data)) return turn;
  const { [PRE_CONSENT_TEXT]: _dropped, ...data } = turn.state.data;
  return { ...turn, state: { ...turn.state, data } };
}

function stay(state: ConversationState, text: string): Turn {
  return { state, outputs: [{ text }] };
}

function isAttachable(
  media: InboundMedia,
): media is InboundMedia & { kind: "photo" | "document" | "location"; fileRef: string } {
  return (
    ((media.kind === "photo" || media.kind === "document") &&
      typeof media.fileRef === "string" &&
      media.fileRef.length > 0) ||
    isSharedLocation(media)
  );
}

/** A location with a fixed point the adapter could read (`geo:lat,lon`, src/core/geo.ts). */
function isSharedLocation(media: InboundMedia): boolean {
  return media.kind === "location" && media.fileRef !== undefined && parseGeoRef(media.fileRef) !== undefined;
}

/** What the conversation keeps of an attachment until the question is filed (QuestionAttachmentInput). */
function attachmentOf(
  media: InboundMedia & { kind: "photo" | "document" | "location"; fileRef: string },
): QuestionAttachmentInput {
  if (media.kind === "location") {
    const placeName = placeText(media.placeName);
    const placeAddress = placeText(media.placeAddress);
    return {
      kind: "location",
      fileRef: media.fileRef,
      ...(placeName ? { placeName } : {}),
      ...(placeAddress ? { placeAddress } : {}),
    };
  }
  return {
    kind: media.kind,
    fileRef: media.fileRef,
    ...(media.mimeType ? { mimeType: media.mimeType } : {}),
    ...(media.fileName ? { fileName: media.fileName.slice(0, 200) } : {}),
  };
}

/** What the citizen is told about a file or a location: accepted outside a question, kept. */
const FILE_TEXTS = { notNow: "attachments.not_now", added: "attachments.added", received: "attachments.received" };
const LOCATION_TEXTS = {
  notNow: "attachments.location_not_now",
  added: "attachments.location_added",
  received: "attachments.location_received",
};

function staffPayload(reply: StaffReply, message: InboundMessage): OutboxPayload {
  const replyTo = reply.replyToChannelMessageId ?? message.channelMessageIdForReply;
  return {
    text: reply.text,
    ...(replyTo ? { replyToChannelMessageId: replyTo } : {}),
    ...(reply.buttons?.length ? { buttons: reply.buttons } : {}),
    ...(reply.forceReply ? { forceReply: true } : {}),
    ...(reply.staffPrompt ? { staffPrompt: reply.staffPrompt } : {}),
  };
}

function stateOf(citizen: CitizenContext): ConversationState | undefined {
  if (citizen.flowId === null || citizen.stepId === null) return undefined;
  return {
    flowId: citizen.flowId,
    stepId: citizen.stepId,
    flowVersion: citizen.flowVersion ?? 0,
    data: JSON.parse(citizen.data ?? "{}") as Record<string, unknown>,
  };
}
