"""The message-signal rules on written examples: phrasings from the demo's customers, real customer tweets
(Kaggle "Customer Support on Twitter", /work/shared/data/twcs_random5000) and the look-alikes that must not fire."""

from __future__ import annotations

import pytest

from etl.enrich.message_signals import SIGNAL_COLUMNS, message_signals


def _fires(signal: str, text: str, role: str = "customer") -> bool:
    return message_signals(text, role)[signal]


@pytest.mark.parametrize("text", [
    "That doesn't answer my question. Can I talk to a person?",
    "I need a human, please.",
    "Agent please.",
    "This isn't helpful, connect me to someone.",
    "Can I speak to a real person?",
    "I need to speak to someone asap. This automated service button pressing is long. Thanks",  # real tweet
    "need to talk to someone, not type.",  # real tweet
    "Transfer me to a live agent",
    "I want a human not a bot",
    "representative please",
    "Can you put me through to an advisor?",
])
def test_requests_for_a_person(text: str) -> None:
    assert _fires("is_human_request", text)


@pytest.mark.parametrize("text", [
    "I already spoke to your rep and they said they cant do anything",  # real tweet: past, not a request
    "I finally got to speak to a rational human at customer service. A Saint!",  # real tweet
    "the rep was impatient with me",  # real tweet
    "please help I have sent money to a wrong person",  # real tweet
    "That took way too long to get a person.",
    "I don't need an agent, the bot answered it.",
    "Our agent account is locked.",
    "None of those options fit my problem.",
])
def test_not_requests_for_a_person(text: str) -> None:
    assert not _fires("is_human_request", text)


@pytest.mark.parametrize("text", [
    "Great, that worked, thanks!",
    "That's what I needed, thank you.",
    "Ok that solved it, thanks.",
    "Found it, thank you!",
    "Perfect, all sorted now. Thank you!",
    "Awesome, that fixed it. Really appreciate the help!",
    "That did it, thanks for the quick help!",
    "Brilliant, it works now. Thank you!",
    "Sorted now thanks, Xbox just been delivered",  # real tweet
    "This is resolved now..thanks for looking into it",  # real tweet
    "I did a factory reset of my settings and it worked",  # real tweet
    "Thanks I got it fixed now.",  # real tweet
    "My boss got through and the problem is fixed, thank you!",  # real tweet
    "Yes thanks. All working now. Cheers.",  # real tweet
    "It\u2019s fixed",  # curly apostrophe, as in tweets
])
def test_confirmations(text: str) -> None:
    assert _fires("is_confirmation", text)


@pytest.mark.parametrize("text", [
    "The agent said it was fixed but it's not.",
    "Still waiting on this, I was told it was solved.",
    "This is not fixed. I'm losing patience.",
    "Still not working. Really disappointed.",
    "That didn't help at all, the problem is still there.",
    "Same error again. Awful experience.",
    "the computer works after a hard reboot, and it works fine until it goes to sleep.",  # real tweet
    "it works but I can't get anything from the store",  # real tweet
    "This game is awesome when it works.",  # real tweet
    "When will this be fixed??",  # real tweet
    "my issue is not yet resolved",  # real tweet
    "Complaint still not resolved.",  # real tweet
    "I have tried starting and restarting et cetera but it hasn't worked....",  # real tweet
    "Is it fixed now?",
    "Ok, thanks.",  # acceptance, not a confirmation
    "Got it, thank you.",
    "It worked last month without any problem.",  # demo issue detail: 'it worked' about the past
])
def test_not_confirmations(text: str) -> None:
    assert not _fires("is_confirmation", text)


@pytest.mark.parametrize("text", [
    "I want to speak to a manager.",
    "This is completely unacceptable.",
    "Fix it now or we will cancel.",
    "We are seriously considering leaving.",
    "Worst support I've ever dealt with.",
    "How can I file a complaint?",  # real tweet
    "Pls escalate till high",  # real tweet
    "STOP CALLING ME!!  I will sue you!!",  # real tweet
    "can someone help im about to cancel my subscription",  # real tweet
    "I would like to speak to your manager",  # real tweet
])
def test_escalation_language(text: str) -> None:
    assert _fires("has_escalation_keyword", text)


@pytest.mark.parametrize("text", [
    "Our manager asked me to find out.",  # demo detail: the customer's own manager
    "Cheers the train manager just has and power has been restored!",  # real tweet
    "I want to cancel our subscription.",  # a cancellation request is an intent, not an escalation
    "please give me my money back for this flight you delayed 6 hours then cancelled",  # real tweet
    "We're about to leave EWR for DEN, so I have to be good passenger",  # real tweet
    "My password manager doesn't fill the form.",
])
def test_not_escalation_language(text: str) -> None:
    assert not _fires("has_escalation_keyword", text)


@pytest.mark.parametrize("text", [
    "Sorry, I didn't understand that.",
    "I'm not sure I can help with that. Could you rephrase?",
    "Sorry, I didn't catch that.",
    "I'm still learning and don't have an answer for that yet.",
    "Could you say that another way?",
])
def test_bot_fallbacks(text: str) -> None:
    assert _fires("is_bot_fallback", text, role="bot")


@pytest.mark.parametrize("text", [
    "Got it. Could you tell me a bit more?",  # a clarifying question is not a fallback
    "I understand how frustrating that is. Let me check.",
    "I'll connect you with a member of our team.",
    "Hi! I'm Ava. How can I help you today?",
])
def test_not_bot_fallbacks(text: str) -> None:
    assert not _fires("is_bot_fallback", text, role="bot")


def test_rules_apply_only_to_their_roles() -> None:
    # a bot saying "talk to a person" is not a customer's request; a customer saying "I didn't understand"
    # is not a bot fallback
    assert message_signals("You can talk to a person any time.", "bot")["is_human_request"] is False
    assert message_signals("Sorry, I didn't understand that.", "customer")["is_bot_fallback"] is False
    assert set(message_signals("", "agent")) == set(SIGNAL_COLUMNS)
    assert not any(message_signals("Agent please", "agent").values())


@pytest.mark.parametrize("text", [
    "That doesn't answer my question. Can I talk to a person?",
    "None of those options fit my problem.",
    "That didn't help at all, the problem is still there.",
    "This isn't helpful, connect me to someone.",
    "That's not what I asked.",
    "Absolutely useless so far.",
    "Thanks for your reply however none of those steps are relevant to me",  # real tweet
    "Doesn't help. When you two apps, right way is to use my existing login",  # real tweet
])
def test_answer_rejections(text: str) -> None:
    assert _fires("is_answer_rejected", text)


@pytest.mark.parametrize("text", [
    "That did help, thanks!",
    "Great, that worked, thanks!",
    "None of my invoices arrived.",  # 'none of' about something else than the answers
    "I thought it was today, but none of the stores seem to be aware of this.",  # real tweet
    "Got it, thank you.",
])
def test_not_answer_rejections(text: str) -> None:
    assert not _fires("is_answer_rejected", text)
