"""End to end: the real Application, polling a fake Bot API server, driven as people would."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from bot import texts
from bot.config import Settings
from bot.loader import load_valid_knowledge
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, ROOT, running_bot
from tests.fakebot import FakeChat, FakeTelegram, FakeUser

KNOWLEDGE = load_valid_knowledge(ROOT / "knowledge")


def label(entry) -> str:
    """What a button shows for an entry: its short label, else its question."""
    return getattr(entry, "label", None) or entry.question


async def eventually(condition, timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def ask(tg: FakeTelegram, text: str, user: FakeUser = RESIDENT, **where: object):
    start = len(tg.sent)
    await tg.send_text(user, text, **where)
    return await tg.wait_for(lambda s: s.chat_id == user.id and s.method == "sendMessage",
                             start=start)


async def hand_off_question(tg: FakeTelegram, question: str = "zgubiłem psa na spacerze"):
    offer = await ask(tg, question)
    assert offer.text == texts.NO_ANSWER
    start = len(tg.sent)
    await tg.press(RESIDENT, offer, offer.buttons[0][1])
    ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #", start=start)
    confirmation = await tg.wait_for_text(RESIDENT.id, "Przekazałem pytanie koordynatorowi",
                                          start=start)
    return ticket, confirmation


async def open_ask_prompt(tg: FakeTelegram) -> None:
    """/start, then the menu's "Zapytaj koordynatora": the next message is the question."""
    start = len(tg.sent)
    await tg.send_text(RESIDENT, "/start")
    menu = await tg.wait_for_text(RESIDENT.id, texts.MENU_PROMPT, start=start)
    await tg.press(RESIDENT, menu, "ask")
    await tg.wait_for_text(RESIDENT.id, texts.ASK_PROMPT, start=start)


async def test_start_greets_with_privacy_note_menu_and_registered_commands(
    tg: FakeTelegram, settings: Settings
) -> None:
    settings = replace(settings, privacy=replace(settings.privacy, controller="Związek Gmin"),
                       cluster=replace(settings.cluster, name_genitive="Klastra Testowego"))
    async with running_bot(settings):
        await tg.send_text(RESIDENT, "/start")
        greeting = await tg.wait_for_text(RESIDENT.id, "Dzień dobry")
        assert "Prywatność" in greeting.text and "365 dni" in greeting.text
        assert "Jestem infolinią Klastra Testowego." in greeting.text
        assert "Administrator danych: Związek Gmin." in greeting.text
        menu = await tg.wait_for_text(RESIDENT.id, texts.MENU_PROMPT)
        labels = [label for label, _ in menu.buttons]
        assert labels == [c.name for c in KNOWLEDGE.menu_categories()] + [texts.ASK_COORDINATOR]
        public = {c["command"] for c in tg.get_commands()}
        assert public == {"start", "kontakt", "spotkania", "przypomnienia", "moje_zgloszenia",
                          "moje_dane", "usun_dane"}
        scoped = tg.get_commands({"type": "chat", "chat_id": COORDINATOR_CHAT.id})
        assert {"odpowiedz", "zgloszenia", "zamknij"} <= {c["command"] for c in scoped}


async def test_browsing_the_menu_to_an_answer(tg: FakeTelegram, settings: Settings) -> None:
    async with running_bot(settings):
        await tg.send_text(RESIDENT, "/pomoc")
        menu = await tg.wait_for_text(RESIDENT.id, texts.MENU_PROMPT)
        await tg.press(RESIDENT, menu, "cat:spoldzielnie")
        questions = await tg.wait_for_text(
            RESIDENT.id, texts.CHOOSE_QUESTION.format(category="Spółdzielnie energetyczne"))
        entry = KNOWLEDGE.entries_in("spoldzielnie")[0]
        assert questions.buttons[0] == (label(entry), f"q:{entry.id}")
        await tg.press(RESIDENT, questions, f"q:{entry.id}")
        answer = await tg.wait_for_text(RESIDENT.id, entry.answer[:40])
        assert answer.text == entry.answer


async def test_a_clear_question_is_answered_with_feedback_buttons(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        answer = await ask(tg, "jak dolaczyc do klastra")
        assert answer.text == KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc").answer
        assert [label for label, _ in answer.buttons] == [texts.HELPED, texts.NOT_HELPED]
        await tg.press(RESIDENT, answer, answer.buttons[0][1])
        await tg.wait_for_text(RESIDENT.id, texts.THANKS_FOR_FEEDBACK)


async def test_picking_a_suggestion_gives_its_answer(tg: FakeTelegram, settings: Settings) -> None:
    async with running_bot(settings):
        choices = await ask(tg, "spółdzielnia")
        assert choices.text == texts.SUGGEST_INTRO
        assert 2 <= len(choices.buttons) <= 4 and choices.buttons[-1][0] == texts.NONE_OF_THESE
        shown, data = choices.buttons[1]
        await tg.press(RESIDENT, choices, data)
        entry = KNOWLEDGE.entry(data.removeprefix("q:"))
        assert entry is not None and label(entry) == shown
        await tg.wait_for_text(RESIDENT.id, entry.answer[:40])


async def test_hand_off_then_coordinator_reply_reaches_the_resident(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        ticket, confirmation = await hand_off_question(tg)
        assert "zgłoszenie nr 1" in confirmation.text
        assert "Anna Nowak" in ticket.text and "@anowak" in ticket.text
        assert "zgubiłem psa na spacerze" in ticket.text
        await tg.send_text(COORDINATOR, "Proszę zadzwonić do gminy.", chat=COORDINATOR_CHAT,
                           reply_to=ticket)
        answer = await tg.wait_for_text(RESIDENT.id, "„zgubiłem psa na spacerze” (zgłoszenie nr 1)")
        assert answer.text.endswith("Proszę zadzwonić do gminy.")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "✅ Odpowiedziano")


async def test_a_reply_after_a_restart_still_reaches_the_resident(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        ticket, _ = await hand_off_question(tg)
    async with running_bot(settings):  # a new Application on the same SQLite file
        await tg.send_text(COORDINATOR, "Odpowiadam po restarcie.", chat=COORDINATOR_CHAT,
                           reply_to=ticket)
        answer = await tg.wait_for_text(RESIDENT.id, "Odpowiedź koordynatora")
        assert "Odpowiadam po restarcie." in answer.text


async def test_reply_command_and_ticket_list_and_close(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await hand_off_question(tg)
        await tg.send_text(COORDINATOR, "/zgloszenia", chat=COORDINATOR_CHAT)
        listing = await tg.wait_for_text(COORDINATOR_CHAT.id, "Otwarte zgłoszenia: 1")
        assert "#1" in listing.text and "Anna Nowak" in listing.text
        await tg.send_text(COORDINATOR, "/odpowiedz 1 Tak, zapraszamy.", chat=COORDINATOR_CHAT)
        answer = await tg.wait_for_text(RESIDENT.id, "„zgubiłem psa na spacerze” (zgłoszenie nr 1)")
        assert answer.text.endswith("Tak, zapraszamy.")
        await tg.send_text(COORDINATOR, "/tickets", chat=COORDINATOR_CHAT)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Brak otwartych zgłoszeń")
        await tg.send_text(COORDINATOR, "/zamknij 7", chat=COORDINATOR_CHAT)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Nie ma otwartego zgłoszenia #7")


async def test_others_cannot_answer_or_use_coordinator_commands(
    tg: FakeTelegram, settings: Settings
) -> None:
    stranger = FakeUser(555, "Ktoś", username="ktos")
    async with running_bot(settings):
        ticket, _ = await hand_off_question(tg)
        before = len(tg.messages_to(RESIDENT.id))
        await tg.send_text(stranger, "Ja odpowiem!", chat=COORDINATOR_CHAT, reply_to=ticket)
        await tg.wait_for_text(COORDINATOR_CHAT.id, texts.COORDINATORS_ONLY)
        await tg.send_text(RESIDENT, "/odpowiedz 1 sam sobie")
        await tg.wait_for_text(RESIDENT.id, texts.COORDINATORS_ONLY)
        await asyncio.sleep(0.3)
        assert not any("Odpowiedź koordynatora" in (s.text or "")
                       for s in tg.messages_to(RESIDENT.id)[before:])


async def test_html_in_a_residents_name_is_escaped(tg: FakeTelegram, settings: Settings) -> None:
    sneaky = FakeUser(202, "<b>Jan</b> & <i>", "</code>", username="jan_x")
    async with running_bot(settings):
        offer = await ask(tg, "zgubiłem psa", user=sneaky)
        await tg.press(sneaky, offer, offer.buttons[0][1])
        ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        assert "&lt;b&gt;Jan&lt;/b&gt; &amp; &lt;i&gt; &lt;/code&gt;" in ticket.text
        assert "<b>Jan</b> & <i> </code>" in ticket.plain


async def test_a_photo_without_a_ticket_or_caption_says_how_to_send_it(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await tg.send_photo(RESIDENT)
        await tg.wait_for_text(RESIDENT.id, texts.ATTACHMENT_NO_TICKET.format(what="zdjęcie"))
        await tg.send_sticker(RESIDENT)
        await tg.wait_for(lambda s: s.chat_id == RESIDENT.id and s.text == texts.NOT_TEXT,
                          start=len(tg.sent) - 1)


async def test_a_resident_who_blocked_the_bot_is_reported_to_the_coordinator(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings) as application:
        ticket, _ = await hand_off_question(tg)
        tg.block(RESIDENT.id)
        await tg.send_text(COORDINATOR, "Odpowiedź, której nikt nie przeczyta.",
                           chat=COORDINATOR_CHAT, reply_to=ticket)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "ta osoba zablokowała bota")
        desk = application.bot_data["services"].desk
        await eventually(lambda: desk.has_blocked(RESIDENT.id))


async def test_a_429_on_send_message_is_retried(tg: FakeTelegram, settings: Settings) -> None:
    async with running_bot(settings):
        tg.fail_next("sendMessage", 1, status=429, retry_after=1)
        answer = await ask(tg, "jak dolaczyc do klastra")
        assert answer.text == KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc").answer
        assert any(method.lower() == "sendmessage" and status == 429
                   for method, _, status in tg.errors)


async def test_a_ticket_that_cannot_be_posted_is_kept_and_posted_later(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings) as application:
        offer = await ask(tg, "zgubiłem psa")
        tg.fail_next("sendMessage", 1, status=500)  # the post to the coordinator chat fails
        await tg.press(RESIDENT, offer, offer.buttons[0][1])
        await tg.wait_for_text(RESIDENT.id, "Przekazałem pytanie koordynatorowi (zgłoszenie nr 1)")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")  # by the retry job
        desk = application.bot_data["services"].desk
        await eventually(lambda: desk.pending_deliveries() == [])


async def test_more_unanswered_questions_join_the_open_ticket(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await hand_off_question(tg)
        joined = await ask(tg, "a jeszcze: gdzie kupić bilet na pociąg?")
        assert joined.text == texts.JOINED_TICKET.format(number=1)
        followup = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1, ciąg dalszy")
        await tg.send_text(COORDINATOR, "Bilety kupi Pan na dworcu.", chat=COORDINATOR_CHAT,
                           reply_to=followup)
        await tg.wait_for_text(RESIDENT.id, "Bilety kupi Pan na dworcu.")


async def test_asking_for_a_human_asks_for_the_question_and_hands_off_the_next_message(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        reply = await ask(tg, "chcę rozmawiać z człowiekiem")
        assert reply.text.endswith(texts.ASK_PROMPT)
    async with running_bot(settings):  # the waiting survives a restart
        await tg.send_text(RESIDENT, "chodzi o dzierżawę dachu pod panele")
        ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        assert "chodzi o dzierżawę dachu pod panele" in ticket.text


async def test_menu_ask_coordinator_takes_the_next_message_as_the_question(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await open_ask_prompt(tg)
        await tg.send_text(RESIDENT, "Jak dołączyć do klastra?")  # not matched: handed off
        ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        assert "Jak dołączyć do klastra?" in ticket.text


async def test_contact_command(tg: FakeTelegram, settings: Settings) -> None:
    async with running_bot(settings):
        await tg.send_text(RESIDENT, "/kontakt")
        await tg.wait_for_text(RESIDENT.id, KNOWLEDGE.entry("kontakt.ogolny").answer[:40])


async def test_in_other_groups_only_mentions_and_replies_get_an_answer(
    tg: FakeTelegram, settings: Settings
) -> None:
    group = FakeChat(-700, "group", title="Sołectwo")
    tg.add_chat(group)
    async with running_bot(settings):
        await tg.send_text(RESIDENT, "jak dolaczyc do klastra", chat=group)
        await tg.send_photo(RESIDENT, chat=group)
        await asyncio.sleep(0.5)
        assert tg.messages_to(group.id) == []
        await tg.send_text(RESIDENT, "@infolinia_test_bot jak dolaczyc do klastra", chat=group)
        answer = await tg.wait_for(lambda s: s.chat_id == group.id)
        assert answer.text == KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc").answer


async def test_a_long_coordinator_answer_is_split(tg: FakeTelegram, settings: Settings) -> None:
    long_answer = "Szczegóły. " * 600  # about 6,600 characters
    async with running_bot(settings):
        await hand_off_question(tg)
        await tg.send_text(COORDINATOR, f"/odpowiedz 1 {long_answer}", chat=COORDINATOR_CHAT)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "✅ Odpowiedziano")
        parts = [s.text for s in tg.messages_to(RESIDENT.id) if "Szczegóły" in (s.text or "")]
        assert len(parts) == 2 and all(len(p) <= 4096 for p in parts)


async def test_an_error_in_a_handler_gets_an_apology_and_the_bot_goes_on(
    tg: FakeTelegram, settings: Settings, caplog
) -> None:
    async with running_bot(settings) as application:
        svc = application.bot_data["services"]
        working = svc.matcher

        class Broken:
            knowledge = working.knowledge

            def match(self, text: str):
                raise RuntimeError("boom")

        svc.matcher = Broken()
        await tg.send_text(RESIDENT, "cokolwiek")
        await tg.wait_for_text(RESIDENT.id, texts.APOLOGY)
        assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)
        svc.matcher = working
        answer = await ask(tg, "jak dolaczyc do klastra")
        assert answer.text == KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc").answer


def test_settings_fixture_points_at_a_temp_database(settings: Settings, tmp_path: Path) -> None:
    assert settings.storage.path.startswith(str(tmp_path))


async def test_id_command_tells_the_ids_for_the_config(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await tg.send_text(COORDINATOR, "/id", chat=COORDINATOR_CHAT)
        reply = await tg.wait_for_text(COORDINATOR_CHAT.id, "coordinator.chat_id")
        assert str(COORDINATOR_CHAT.id) in reply.text and str(COORDINATOR.id) in reply.text


async def test_a_second_tap_on_hand_off_files_nothing_new(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        offer = await ask(tg, "zgubiłem psa")
        await tg.press(RESIDENT, offer, offer.buttons[0][1])
        await tg.wait_for_text(RESIDENT.id, "zgłoszenie nr 1")
        start = len(tg.sent)
        await tg.press(RESIDENT, offer, offer.buttons[0][1], check=False)  # stale keyboard
        await tg.wait_for_text(RESIDENT.id, "jest już w zgłoszeniu nr 1", start=start)
        await asyncio.sleep(0.3)
        posts = [s for s in tg.messages_to(COORDINATOR_CHAT.id) if "Zgłoszenie #1" in s.text]
        assert len(posts) == 1
