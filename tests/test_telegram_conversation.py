"""End to end through the fake Bot API: the conversation rules as residents meet them —
private hand-offs from groups, buttons only for their owner, follow-ups that reach the right
ticket, and input of every kind."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot import texts
from bot.config import Settings
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, running_bot
from tests.fakebot import FakeChat, FakeTelegram, FakeUser, Sent
from tests.test_telegram import KNOWLEDGE, ask, open_ask_prompt
from tests.test_telegram_meetings import announce

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
NEIGHBOUR = FakeUser(202, "Basia", "Kowalska", username="basia")
GROUP = FakeChat(-700, "group", title="Sołectwo Rudniki")
BOT = "@infolinia_test_bot"


async def ask_coordinator(tg: FakeTelegram, question: str) -> Sent:
    """The menu's "Zapytaj koordynatora", then the question: a ticket whatever the matcher
    would make of the text. Returns the ticket post."""
    start = len(tg.sent)
    await open_ask_prompt(tg)
    await tg.send_text(RESIDENT, question)
    ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, question, start=start)
    await tg.wait_for_text(RESIDENT.id, "koordynatorowi (zgłoszenie nr", start=start)
    return ticket


def urls(message: Sent) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [button["url"] for row in rows for button in row if "url" in button]


async def test_in_a_group_faq_is_answered_but_a_hand_off_moves_to_a_private_chat(
    tg: FakeTelegram, settings: Settings
) -> None:
    tg.add_chat(GROUP)
    async with running_bot(settings):
        await tg.send_text(RESIDENT, f"{BOT} jak dolaczyc do klastra", chat=GROUP)
        answer = await tg.wait_for(lambda s: s.chat_id == GROUP.id)
        assert answer.text == KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc").answer

        start = len(tg.sent)
        await tg.send_text(RESIDENT, f"{BOT} zgubiłam portfel z dowodem pod sklepem",
                           chat=GROUP)
        offer = await tg.wait_for(lambda s: s.chat_id == GROUP.id, start=start)
        assert offer.text == texts.PRIVATE_ONLY["handoff"]
        [link] = urls(offer)
        assert link.startswith("https://t.me/infolinia_test_bot?start=h")
        payload = link.split("start=", 1)[1]

        # the deep link opens the private chat with the question waiting; nothing is retyped
        start = len(tg.sent)
        await tg.send_text(RESIDENT, f"/start {payload}")
        waiting = await tg.wait_for_text(RESIDENT.id, "zgubiłam portfel", start=start)
        await tg.press(RESIDENT, waiting, waiting.buttons[0][1])
        ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        assert "zgubiłam portfel z dowodem" in ticket.text
        await tg.wait_for_text(RESIDENT.id, texts.HANDED_OFF.format(number=1))
        # the answer goes to the private chat, never to the group
        await tg.send_text(COORDINATOR, "Proszę zgłosić się na policję.", chat=COORDINATOR_CHAT,
                           reply_to=ticket)
        await tg.wait_for_text(RESIDENT.id, "Proszę zgłosić się na policję.")
        assert not any("policję" in (s.text or "") for s in tg.messages_to(GROUP.id))


async def test_personal_commands_in_a_group_show_nothing_there(
    tg: FakeTelegram, settings: Settings
) -> None:
    tg.add_chat(GROUP)
    async with running_bot(settings):
        await ask_coordinator(tg, "moja sprawa prywatna, adres Leśna 5")
        for command, payload in (("/moje_dane", "dane"), ("/usun_dane", "usun"),
                                 ("/przypomnienia", "przyp")):
            start = len(tg.sent)
            await tg.send_text(RESIDENT, f"{command}{BOT}", chat=GROUP)
            reply = await tg.wait_for(lambda s: s.chat_id == GROUP.id, start=start)
            assert urls(reply) == [f"https://t.me/infolinia_test_bot?start={payload}"]
        shown = " ".join(s.text or "" for s in tg.messages_to(GROUP.id))
        assert "Leśna" not in shown and str(RESIDENT.id) not in shown


async def test_buttons_act_only_for_the_person_who_got_them(
    tg: FakeTelegram, settings: Settings
) -> None:
    tg.add_chat(GROUP)
    async with running_bot(settings) as application:
        await tg.send_text(RESIDENT, f"{BOT} jak dolaczyc do klastra", chat=GROUP)
        answer = await tg.wait_for(lambda s: s.chat_id == GROUP.id and bool(s.buttons))
        before = len(tg.sent)
        for _, data in answer.buttons:  # "Pomogło", "Nie pomogło" pressed by a neighbour
            await tg.press(NEIGHBOUR, answer, data)
        await tg.wait_for_callback_answers(2)
        assert [a.get("text") for a in tg.callback_answers] == [texts.NOT_YOUR_BUTTON] * 2
        await asyncio.sleep(0.3)
        assert len(tg.sent) == before  # nothing said, no buttons removed
        questions = application.bot_data["services"].questions
        assert all(q.feedback is None for q in questions.since(EPOCH))

        # the owner's own tap counts
        await tg.press(RESIDENT, answer, answer.buttons[0][1])
        await tg.wait_for_text(GROUP.id, texts.THANKS_FOR_FEEDBACK)
        assert [q.feedback for q in questions.since(EPOCH)] == ["helped"]


async def test_while_a_ticket_is_open_thanks_are_acknowledged_and_faq_answered_not_posted(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await ask_coordinator(tg, "zgubiłem psa na spacerze")
        posted = len(tg.messages_to(COORDINATOR_CHAT.id))
        thanks = await ask(tg, "dziękuję")
        assert texts.JOINED_TICKET.format(number=1) != thanks.text
        faq = await ask(tg, "jak dolaczyc do klastra")
        assert faq.text == KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc").answer
        waiting = await ask(tg, "kiedy dostane odpowiedz?")
        assert waiting.text == texts.TICKET_WAITING.format(number=1)
        await asyncio.sleep(0.5)
        assert len(tg.messages_to(COORDINATOR_CHAT.id)) == posted

        joined = await ask(tg, "chodzi mi o fakture dla firmy, NIP mam")
        assert joined.text == texts.JOINED_TICKET.format(number=1)
        followup = await tg.wait_for_text(COORDINATOR_CHAT.id, "ciąg dalszy")
        assert "fakture dla firmy" in followup.text


async def test_a_reply_to_the_coordinators_answer_joins_that_ticket_again(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings) as application:
        ticket = await ask_coordinator(tg, "fotowoltaika dotacja na dom w Kłobucku")
        await tg.send_text(COORDINATOR, "Proszę zajrzeć do programu Mój Prąd.",
                           chat=COORDINATOR_CHAT, reply_to=ticket)
        answer = await tg.wait_for_text(RESIDENT.id, "Mój Prąd")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "dostarczona")
        start = len(tg.sent)
        await tg.send_text(RESIDENT, "a czy to obejmuje magazyn energii?", reply_to=answer)
        await tg.wait_for_text(RESIDENT.id, texts.JOINED_TICKET.format(number=1), start=start)
        followup = await tg.wait_for_text(COORDINATOR_CHAT.id, "magazyn energii", start=start)
        assert "Zgłoszenie #1, ciąg dalszy" in followup.text
        desk = application.bot_data["services"].desk
        assert desk.ticket(1).status == "open"

        # something new after an answered ticket never lands in it
        await tg.send_text(COORDINATOR, "Tak, obejmuje.", chat=COORDINATOR_CHAT,
                           reply_to=followup)
        await tg.wait_for_text(RESIDENT.id, "Tak, obejmuje.")
        offer = await ask(tg, "a czy sąsiad może postawić płot na mojej działce?")
        assert offer.text != texts.JOINED_TICKET.format(number=1)
        assert offer.text in (texts.NO_ANSWER, texts.SUGGEST_INTRO)


async def test_not_helped_asks_what_was_missing_and_hands_off_both(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        answer = await ask(tg, "jak dolaczyc do klastra")
        await tg.press(RESIDENT, answer, answer.buttons[1][1])
        await tg.wait_for_text(RESIDENT.id, texts.NOT_HELPED_PROMPT)
        await tg.send_text(RESIDENT, "nie wiem, ile to kosztuje dla firmy z Mykanowa")
        ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        assert "jak dolaczyc do klastra" in ticket.text
        assert "ile to kosztuje dla firmy z Mykanowa" in ticket.text
        await tg.wait_for_text(RESIDENT.id, texts.HANDED_OFF.format(number=1))


async def test_an_edited_question_corrects_its_ticket_and_is_never_answered_twice(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await open_ask_prompt(tg)
        sent = await tg.send_text(RESIDENT, "prosze o kontakt w sprawie dzierzawy dachu")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        start = len(tg.sent)
        await tg.edit_text(RESIDENT, sent, "proszę o kontakt w sprawie dzierżawy dachu, tel. 600")
        await tg.wait_for_text(RESIDENT.id, texts.CORRECTED_TICKET.format(number=1), start=start)
        correction = await tg.wait_for_text(COORDINATOR_CHAT.id, "poprawione:", start=start)
        assert "tel. 600" in correction.text

        question = await tg.send_text(RESIDENT, "jak dolaczyc do klastra")
        await tg.wait_for_text(RESIDENT.id, KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc")
                               .answer[:30])
        start = len(tg.sent)
        await tg.edit_text(RESIDENT, question, "jak dołączyć do klastra?")
        await asyncio.sleep(0.5)
        assert [s for s in tg.sent[start:] if s.chat_id == RESIDENT.id] == []


async def test_a_caption_is_read_and_a_photo_joins_the_open_ticket(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        start = len(tg.sent)
        await tg.send_photo(RESIDENT, caption="jak dolaczyc do klastra")
        await tg.wait_for_text(RESIDENT.id, KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc")
                               .answer[:30], start=start)
        await ask_coordinator(tg, "licznik pokazuje dziwne liczby")
        start = len(tg.sent)
        await tg.send_photo(RESIDENT)
        await tg.wait_for_text(RESIDENT.id, texts.ATTACHED.format(what="zdjęcie", number=1),
                               start=start)
        await tg.wait_for(lambda s: s.method == "copyMessage"
                          and s.chat_id == COORDINATOR_CHAT.id, start=start)


async def test_a_shared_phone_number_joins_the_ticket_only_with_consent(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        start = len(tg.sent)
        await tg.send_contact(RESIDENT, "+48600100200")
        await tg.wait_for_text(RESIDENT.id, texts.PHONE_NO_TICKET, start=start)
        await ask_coordinator(tg, "proszę o telefon w sprawie spółdzielni")
        start = len(tg.sent)
        await tg.send_contact(RESIDENT, "+48600100200")
        consent = await tg.wait_for_text(RESIDENT.id, "Dołączyć numer +48600100200",
                                         start=start)
        assert not any("600100200" in (s.text or "") for s in tg.messages_to(COORDINATOR_CHAT.id))
        await tg.press(RESIDENT, consent, consent.buttons[0][1])
        await tg.wait_for_text(RESIDENT.id, texts.PHONE_ATTACHED.format(number=1), start=start)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "+48600100200", start=start)


async def test_a_banned_person_keeps_data_rights_but_gets_no_announcements(
    tg: FakeTelegram, settings: Settings
) -> None:
    from tests.test_telegram_meetings import subscribe

    async with running_bot(settings):
        await subscribe(tg)
        await ask_coordinator(tg, "sprawa sporna z sąsiadem")
        await tg.send_text(COORDINATOR, f"/blokuj {RESIDENT.id}", chat=COORDINATOR_CHAT)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "zablokowany")
        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/moje_dane")
        data = await tg.wait_for_text(RESIDENT.id, texts.MY_DATA_TITLE, start=start)
        assert "sprawa sporna" in data.text
        await announce(tg, "Zebranie w czwartek.")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Ogłoszenie dotarło")
        assert not any("Zebranie w czwartek" in (s.text or "")
                       for s in tg.messages_to(RESIDENT.id))
        await tg.send_text(RESIDENT, "/usun_dane")
        confirm = await tg.wait_for_text(RESIDENT.id, "Usunąć wszystkie Twoje dane?",
                                         start=start)
        await tg.press(RESIDENT, confirm, confirm.buttons[0][1])
        await tg.wait_for_text(RESIDENT.id, "Usunięte.", start=start)
