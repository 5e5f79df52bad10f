"""Wording for the simulated conversations: intent-specific statements and mood-carrying phrases.

Customer texts are assembled from a mood prefix, an issue statement and a mood suffix, so that a sentiment
model reads the mood from the words. Each intent has several ways to state the issue; a restatement after a
bot handoff uses a different statement from the customer's first message.
"""

from __future__ import annotations

MOODS: tuple[str, ...] = ("happy", "neutral", "frustrated", "angry")

ISSUE_STATEMENTS: dict[str, tuple[str, ...]] = {
    "password_reset": (
        "I need to reset my password.",
        "the password reset email never arrives in my inbox.",
        "I forgot my password and the reset link doesn't work.",
        "the reset link says it has expired every time I click it.",
        "I can't change my password from the settings page.",
        "I'm not able to log in because my password is no longer accepted.",
    ),
    "account_access_locked": (
        "my account is locked after a few login attempts.",
        "I'm locked out of our workspace.",
        "our admin account got locked and nobody on the team can get in.",
        "the login page says my account is suspended.",
        "I get 'too many attempts' and can't sign in.",
        "two-factor codes are rejected and now the account is locked.",
    ),
    "billing_dispute": (
        "we were charged twice this month.",
        "the amount on our latest invoice is wrong.",
        "we're being billed for seats we removed weeks ago.",
        "there's a charge on our card that doesn't match our plan.",
        "the invoice shows a price increase nobody told us about.",
        "we got billed for the annual plan but we're on monthly.",
    ),
    "invoice_copy": (
        "I need a copy of last month's invoice.",
        "can you send me the invoice PDF for March?",
        "our finance team needs copies of all invoices this year.",
        "the invoice download link in the portal is missing.",
        "I need the invoice reissued with our VAT number on it.",
        "please resend the latest invoice to our accounts payable address.",
    ),
    "refund_request": (
        "I'd like a refund for the seats we didn't use.",
        "we cancelled an add-on and expected a refund.",
        "I was promised a refund two weeks ago and haven't seen it.",
        "please refund the duplicate payment.",
        "we were charged after cancelling and want the money back.",
        "how long does a refund take to reach our account?",
    ),
    "plan_upgrade": (
        "we'd like to upgrade to the Enterprise plan.",
        "I want to add ten more seats to our subscription.",
        "what does it cost to move to the Professional tier?",
        "can we switch to annual billing and upgrade at the same time?",
        "we need the advanced reporting add-on.",
        "how do I upgrade our plan from the admin console?",
    ),
    "cancel_subscription": (
        "I want to cancel our subscription.",
        "please cancel our plan at the end of the term.",
        "we've decided to stop using the product and need to cancel.",
        "how do I close our account and stop the billing?",
        "we're moving to another vendor, please cancel the renewal.",
        "cancel all seats on our account, please.",
    ),
    "outage_report": (
        "the service is down for our whole team.",
        "the dashboard won't load, we just get a spinning wheel.",
        "nothing has synced for hours and the app shows errors.",
        "our users are getting 503 errors on every page.",
        "is there an outage? nothing is working on our side.",
        "the platform is unreachable from all of our offices.",
    ),
    "integration_error": (
        "the Salesforce integration stopped syncing.",
        "the API keeps returning 401 errors since yesterday.",
        "our webhook deliveries are failing.",
        "the connector throws a timeout on every sync.",
        "records created in your app never show up in our CRM.",
        "the Slack integration disconnected itself again.",
    ),
    "data_export": (
        "the CSV export only contains half of our records.",
        "I need a full export of our account data.",
        "the export job has been stuck at 90% all day.",
        "how can I export all our reports at once?",
        "the scheduled export didn't run this week.",
        "the exported file is empty when I open it.",
    ),
    "onboarding_help": (
        "we just signed up and need help setting up our workspace.",
        "how do I invite my team and set their roles?",
        "I'm not sure how to import our existing contacts.",
        "can someone walk us through the initial setup?",
        "we need help configuring single sign-on for our team.",
        "which settings should we change first as a new customer?",
    ),
    "feature_question": (
        "is there a way to schedule reports automatically?",
        "how do I create a custom dashboard?",
        "can we set up approval workflows?",
        "does the product support custom fields on records?",
        "how can I share a report with people outside our company?",
        "is there a mobile app for field staff?",
    ),
}

ISSUE_DETAILS: dict[str, tuple[str, ...]] = {
    "password_reset": (
        "My username is the email I'm writing from.", "I tried it in two different browsers.",
        "I checked the spam folder too.", "It happens on the mobile app as well.",
        "I last logged in about a week ago.",
    ),
    "account_access_locked": (
        "I'm the account owner.", "It happened right after our IT changed the SSO settings.",
        "Five people on my team are affected.", "I waited an hour and tried again.",
        "The error code is AUTH-423.",
    ),
    "billing_dispute": (
        "The invoice number is INV-{n}.", "We reduced our seats from 40 to 25 last month.",
        "The extra charge is about ${n}.", "Our contract says the price is fixed for two years.",
        "I attached a screenshot of the card statement.",
    ),
    "invoice_copy": (
        "Our account ID is ACME-{n}.", "It's for the billing period ending last month.",
        "Please send it to billing@ our domain.", "Our auditors need it this week.",
        "The PO number should be PO-{n}.",
    ),
    "refund_request": (
        "The payment reference is PAY-{n}.", "We paid by credit card.",
        "The cancellation was confirmed by email.", "It's for roughly ${n}.",
        "We've been customers for three years.",
    ),
    "plan_upgrade": (
        "We currently have {n} seats.", "We'd like it to start next month.",
        "Our procurement needs a quote first.", "We mostly need SSO and audit logs.",
        "Is there a discount for annual billing?",
    ),
    "cancel_subscription": (
        "Our renewal date is next month.", "We found a tool that fits our budget better.",
        "The account ID is ACME-{n}.", "Please confirm the cancellation in writing.",
        "We need our data exported before the account closes.",
    ),
    "outage_report": (
        "It started around 9am our time.", "All {n} users are affected.",
        "The status page still says everything is operational.", "We can't serve our own customers.",
        "Error reference: 503-{n}.",
    ),
    "integration_error": (
        "The error log shows 'token expired'.", "It worked fine until your last release.",
        "We already regenerated the API key.", "About {n} records are stuck.",
        "Our integration ID is INT-{n}.",
    ),
    "data_export": (
        "We have about {n} thousand records.", "I tried CSV and Excel formats.",
        "We need it for a compliance audit.", "The job ID is EXP-{n}.",
        "It worked last month without any problem.",
    ),
    "onboarding_help": (
        "We're a team of {n} people.", "We're moving over from spreadsheets.",
        "Our go-live date is in two weeks.", "We use Google Workspace for logins.",
        "I watched the intro video already.",
    ),
    "feature_question": (
        "We'd use it every week.", "Our manager asked me to find out.",
        "I looked in the help center first.", "We're on the Professional plan.",
        "It would save us a lot of manual work.",
    ),
}

AGENT_RESOLUTIONS: dict[str, tuple[str, ...]] = {
    "password_reset": (
        "I've sent a fresh reset link that is valid for 24 hours.",
        "I've cleared the old reset tokens, please try the new link now.",
        "I've reset it on our side; you'll get a temporary password by email.",
    ),
    "account_access_locked": (
        "I've unlocked the account and reset the failed-attempt counter.",
        "I've restored access; please sign in again and re-enrol two-factor.",
        "The lock is removed and your admin can now sign in.",
    ),
    "billing_dispute": (
        "I've reviewed the invoice and applied a credit for the difference.",
        "I've corrected the seat count and issued an adjusted invoice.",
        "I've raised this with our billing specialists and the duplicate charge will be reversed.",
    ),
    "invoice_copy": (
        "I've emailed the invoice PDF to you.",
        "I've reissued the invoice with your VAT number.",
        "You can also download all invoices from Billing > History; I've sent them over as well.",
    ),
    "refund_request": (
        "I've processed the refund; it should reach your account in 5–7 business days.",
        "The refund has been approved and sent to the original card.",
        "I've escalated the refund to finance and they will confirm by email.",
    ),
    "plan_upgrade": (
        "I've upgraded your plan; the new seats are available right away.",
        "I've sent you a quote for the Enterprise plan.",
        "The add-on is now active on your account.",
    ),
    "cancel_subscription": (
        "I've scheduled the cancellation for the end of your current term.",
        "Your subscription is cancelled and you'll receive a confirmation email.",
        "Before you go, I've applied a discount offer; if you still want to cancel, reply and I'll finish it.",
    ),
    "outage_report": (
        "We've identified the issue and the service is being restored.",
        "Our engineers fixed the incident; everything should load normally now.",
        "The outage is resolved; please refresh and let us know if anything is still off.",
    ),
    "integration_error": (
        "I've refreshed the connector credentials and re-queued the failed syncs.",
        "Our engineers deployed a fix for the connector; syncs should resume shortly.",
        "I've re-authorised the integration and the pending records are syncing now.",
    ),
    "data_export": (
        "I've restarted the export job and it completed successfully.",
        "I've generated the full export and sent you a secure download link.",
        "The scheduled export is fixed and will run tonight.",
    ),
    "onboarding_help": (
        "I've shared our setup checklist and booked a walkthrough call for you.",
        "I've configured the roles for your team; invitations are on their way.",
        "I've enabled single sign-on; here are the steps for your admin.",
    ),
    "feature_question": (
        "Yes, you can do that under Settings > Automations; here's a short guide.",
        "That's available on your plan; I've sent you the help article.",
        "It's not available yet, but I've logged it as a feature request for our product team.",
    ),
}

BOT_ANSWERS: dict[str, tuple[str, ...]] = {
    "password_reset": ("I've sent a password reset link to your email address.",
                       "You can reset your password here: Settings > Security > Reset password."),
    "account_access_locked": ("For security reasons, locked accounts unlock automatically after 30 minutes.",
                              "I can send an unlock link to the account owner's email."),
    "billing_dispute": ("I can show you your recent invoices.", "Billing questions are handled by our team."),
    "invoice_copy": ("Here's a link to download your latest invoice.",
                     "I've emailed a copy of the invoice to the billing contact."),
    "refund_request": ("Refunds usually take 5–7 business days after approval.",
                       "I can check the status of a refund for you."),
    "plan_upgrade": ("You can compare plans on the Billing page.", "I can start an upgrade for you."),
    "cancel_subscription": ("I can help with that, but cancellations need a team member.",
                            "I'm sorry to hear that. Let me find someone to help."),
    "outage_report": ("We're aware of an issue and our engineers are on it.",
                      "You can follow live updates on our status page."),
    "integration_error": ("Try disconnecting and reconnecting the integration under Settings > Apps.",
                          "Here's our troubleshooting guide for sync errors."),
    "data_export": ("You can start an export from Settings > Data > Export.",
                    "Large exports can take up to an hour; you'll get an email when it's ready."),
    "onboarding_help": ("Here's our getting-started guide.", "You can invite teammates from Settings > Users."),
    "feature_question": ("Here's a help article that might answer your question.",
                         "You can find that option under Settings."),
}

MOOD_PREFIXES: dict[str, tuple[str, ...]] = {
    "happy": ("Hi there! Hope you're well.", "Hello! Quick one for you.", "Hi team, thanks in advance!",
              "Good morning! Love the product, just one thing.", "Hey, thanks for being so helpful as always.",
              "Hi! Hope your day is going great."),
    "neutral": ("Hi,", "Hello,", "Hi team,", "Good afternoon,", "Hello there,", "Hi support,"),
    "frustrated": ("Hi, I'm getting frustrated here.", "Hello, this is getting annoying.",
                   "Hi, not happy about this.", "Honestly, this is frustrating.",
                   "Hi, I'm disappointed to be writing about this.", "Hello, this has been a real headache."),
    "angry": ("This is unacceptable.", "I'm really angry about this.", "This is ridiculous.",
              "Terrible experience so far.", "I'm furious right now.", "This is a disaster for us."),
}

MOOD_SUFFIXES: dict[str, tuple[str, ...]] = {
    "happy": ("Thanks so much!", "Really appreciate it!", "Thank you, you're great!", "Cheers, have a lovely day!",
              "Thanks a lot!", "Much appreciated, thank you!"),
    "neutral": ("Thanks.", "Please advise.", "Let me know.", "Regards.", "Thank you.", "Could you check?"),
    "frustrated": ("Please fix this soon.", "Really disappointed.", "This shouldn't be so hard.",
                   "I've wasted too much time on this.", "Not great.", "I expected better."),
    "angry": ("Fix it now or we will cancel.", "Worst support I've ever dealt with.",
              "Absolutely useless so far.", "I want to speak to a manager.", "We are seriously considering leaving.",
              "This is completely unacceptable."),
}

REPEAT_PREFIXES: tuple[str, ...] = (
    "This is the third time I'm asking, still not fixed.",
    "I already contacted you about this and nothing happened.",
    "Following up again because the problem is back.",
    "Still waiting on this, I was told it was solved.",
    "Writing again, my last request went nowhere.",
    "Second time contacting you about the same thing.",
)

RESTATEMENT_PREFIXES: tuple[str, ...] = (
    "As I already told the bot,", "Like I said before,", "Again, I already explained this:",
    "I have to repeat myself, but", "To say it once more,", "As I wrote a minute ago,",
)

CUSTOMER_RECOVERED: tuple[str, ...] = (
    "Great, that worked, thanks so much!", "Perfect, all sorted now. Thank you!",
    "Awesome, that fixed it. Really appreciate the help!", "That did it, thanks for the quick help!",
    "Brilliant, it works now. Thank you!", "Excellent, thanks, you saved my day!",
)
CUSTOMER_ACCEPTED: tuple[str, ...] = (
    "Ok, thanks.", "Alright, I'll try that.", "Got it, thank you.", "Fine, I'll wait for the email.",
    "Understood.", "Ok, I'll check and come back if needed.",
)
CUSTOMER_UNRESOLVED: tuple[str, ...] = (
    "Still not working. Really disappointed.", "That didn't help at all, the problem is still there.",
    "No, it's still broken. This is frustrating.", "I tried that already, nothing changed. Terrible.",
    "This is not fixed. I'm losing patience.", "Same error again. Awful experience.",
)
CUSTOMER_AFTER_WAIT: tuple[str, ...] = (
    "Finally. I've been waiting forever.", "That took way too long to get a person.",
    "I waited ages for someone to answer, not great.", "About time, the wait was terrible.",
    "Long wait, but ok.", "I almost gave up waiting.",
)
CUSTOMER_ASK_HUMAN: tuple[str, ...] = (
    "That doesn't answer my question. Can I talk to a person?", "I need a human, please.",
    "Agent please.", "This isn't helpful, connect me to someone.", "Can I speak to a real person?",
    "None of those options fit my problem.",
)
CUSTOMER_BOT_THANKS: tuple[str, ...] = (
    "Great, that worked, thanks!", "Perfect, got it. Thanks!", "That's what I needed, thank you.",
    "Nice, quick and easy. Thanks!", "Ok that solved it, thanks.", "Found it, thank you!",
)

AGENT_GREETINGS: tuple[str, ...] = (
    "Hi {first}, thanks for reaching out. I'm happy to help.",
    "Hello {first}, thank you for your patience. Let me look into this.",
    "Hi {first}, I'm sorry for the trouble. I'll take care of it.",
    "Thanks for contacting us, {first}. Let me check your account.",
    "Hi {first}, I understand, and I'm sorry for the inconvenience. Let me help.",
    "Hello {first}, thanks for getting in touch. I'm on it.",
)
AGENT_APOLOGY_AFTER_RESTATEMENT: tuple[str, ...] = (
    "Sorry you had to explain that again, I have the details now.",
    "Apologies for making you repeat yourself.",
    "Thanks for going over it again, I'm sorry the context didn't come through.",
)
AGENT_FOLLOW_UPS: tuple[str, ...] = (
    "Could you confirm the email address on the account?", "Can you tell me when this started?",
    "Could you share a screenshot of the error?", "Thanks, that helps. One moment please.",
    "I'm checking this with my colleagues now.", "Thank you, I can see it on our side.",
)
AGENT_CLOSINGS: tuple[str, ...] = (
    "Is there anything else I can help with today?", "Thanks for your patience, have a great day!",
    "Glad we could sort this out. Take care!", "Please reply if anything else comes up.",
    "Thank you for being a customer. Have a nice day!", "Happy to help anytime.",
)
AGENT_INTERNAL_NOTES: tuple[str, ...] = (
    "Escalating to Tier 2 per policy.", "Customer contacted us before about this; linking previous case.",
    "Checked logs, issue reproduced.", "Waiting on engineering for a fix.",
    "Credit approved by team lead.",
)

BOT_GREETINGS: tuple[str, ...] = (
    "Hi! I'm {bot}. How can I help you today?", "Hello, I'm {bot}. What can I do for you?",
    "Hi there, {bot} here. Tell me what you need and I'll do my best to help.",
)
BOT_CLARIFY: tuple[str, ...] = (
    "Thanks! Just to be sure, is this about your own account?", "I can help with that. Which workspace is it?",
    "Got it. Could you tell me a bit more?", "Thanks for the details. Let me check.",
)
BOT_HANDOFF: tuple[str, ...] = (
    "I'll connect you with a member of our team.", "Let me transfer you to a specialist who can help.",
    "One moment, I'm passing you to a colleague.", "I'm connecting you to an agent now.",
)
BOT_CLOSINGS: tuple[str, ...] = (
    "Glad I could help! Have a great day.", "You're welcome! Anything else?", "Happy to help. Bye for now!",
)
SYSTEM_JOINED = "{agent} joined the conversation."
SYSTEM_TRANSFERRED = "Conversation transferred to {queue}."

SURVEY_COMMENTS: dict[int, tuple[str, ...]] = {
    1: ("Terrible, nobody solved my problem.", "Way too long waiting and still broken.",
        "I had to explain everything twice.", "Very disappointed with the support."),
    2: ("Slow and not very helpful.", "Problem came back the next day.", "Too many transfers."),
    3: ("It was ok.", "Fine, but took a while.", "Average experience."),
    4: ("Good help, thanks.", "Quick and friendly.", "Solved, but the wait was a bit long."),
    5: ("Excellent service, thank you!", "Super fast and friendly, great job!", "Perfect, solved right away."),
}
