"""Every audit action any app records: one enum, its value the string stored in
``AuditEntry.action`` (never rename a value: stored rows and the hash chain keep it),
its label the words a person reads for it ("who has seen my data", the Activity
timeline). ``audit_record`` takes only these members."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # accounts and staff
    USER_CREATE = "user.create", _("Created a login")
    STAFF_ROLE_GRANT = "staff.role_grant", _("Gave a staff role")
    STAFF_ROLE_REVOKE = "staff.role_revoke", _("Took away a staff role")
    STAFF_INVITE = "staff.invite", _("Invited a staff member")
    STAFF_INVITE_RESEND = "staff.invite_resend", _("Sent a new staff setup link")
    STAFF_SETUP = "staff.setup", _("Set up a staff account")
    STAFF_REMOVE = "staff.remove", _("Removed a staff member")
    TOKEN_CREATE = "token.create", _("Created an access token")
    TOKEN_REVOKE = "token.revoke", _("Revoked an access token")
    # register
    SUBJECT_CREATE = "subject.create", _("Created your entry in the register")
    SUBJECT_KEY_DESTROY = "subject.key_destroy", _("Destroyed your encryption key")
    PROFILE_READ = "profile.read", _("Looked at your data")
    PROFILE_SEARCH = "profile.search", _("Looked you up")
    PROFILE_ADD = "profile.add", _("Added to your data")
    PROFILE_UPDATE = "profile.update", _("Changed your data")
    PROFILE_DELETE = "profile.delete", _("Deleted some of your data")
    PROFILE_PRIMARY = "profile.primary", _("Changed which value is primary")
    KEYS_ROTATE = "keys.rotate", _("Rotated the encryption keys")
    # visits and loyalty
    VISIT_RECORD = "visit.record", _("Recorded a visit with your card")
    VISIT_REVERSE = "visit.reverse", _("Cancelled a visit")
    LEDGER_CORRECT = "ledger.correct", _("Corrected your points or stamps")
    REWARD_CLAIM = "reward.claim", _("Gave you a reward")
    REWARD_REDEEM = "reward.redeem", _("Redeemed a reward")
    PROGRAM_CREATE = "program.create", _("Created a loyalty program")
    PROGRAM_UPDATE = "program.update", _("Changed a loyalty program")
    # cards
    CARD_ISSUE = "card.issue", _("Issued a card to you")
    CARD_REGISTER = "card.register", _("Registered a card to you")
    CARD_BLOCK = "card.block", _("Blocked your card")
    CARD_UNBLOCK = "card.unblock", _("Unblocked your card")
    CARD_CHANGE_CODE_SEND = "card.change_code_send", _("Sent you a card change code by e-mail")
    CARD_BATCH_ISSUE = "card.batch_issue", _("Issued a batch of cards")
    CARD_BATCH_ACTIVATE = "card.batch_activate", _("Activated a card batch")
    CARD_BATCH_VOID = "card.batch_void", _("Voided a card batch")
    CARD_BATCH_PRINT = "card.batch_print", _("Downloaded a card batch for printing")
    CARD_ISSUER_CREATE = "card.issuer_create", _("Added a card issuer")
    CARD_ISSUER_UPDATE = "card.issuer_update", _("Changed a card issuer")
    CARD_CHANGE_START = "card.change_start", _("Started a card change")
    CARD_CHANGE = "card.change", _("Replaced your card")
    # consent
    CONSENT_GIVEN = "consent.given", _("Recorded your consent")
    CONSENT_WITHDRAWN = "consent.withdrawn", _("Recorded the withdrawal of your consent")
    CONSENT_EXPIRED = "consent.expired", _("Recorded that your consent expired")
    CONSENT_HISTORY_READ = "consent.history_read", _("Looked at your consent history")
    # sharing with merchants
    SHARING_JOIN = "sharing.join", _("Made you a customer of a merchant")
    SHARING_LEAVE = "sharing.leave", _("Ended your customer relationship")
    SHARING_GRANT = "sharing.grant", _("Recorded what you share")
    SHARING_WITHDRAW = "sharing.withdraw", _("Recorded a withdrawal of sharing")
    INTEGRATION_CREATE = "integration.create", _("Added an integration")
    INTEGRATION_REVOKE = "integration.revoke", _("Revoked an integration")
    # disclosures
    DISCLOSURE_MERCHANT_EXPORT = "disclosure.merchant_export", _("Exported the data you share")
    DISCLOSURE_RECORD = "disclosure.record", _("Disclosed your data")
    DISCLOSURE_CORRECTION = "disclosure.correction", _("Told a recipient about a correction")
    DISCLOSURE_ERASURE = "disclosure.erasure", _("Told a recipient to erase your data")
    DISCLOSURES_READ = "disclosures.read", _("Looked at the disclosures of your data")
    RECIPIENT_CREATE = "recipient.create", _("Added a recipient of disclosures")
    RECIPIENT_SECRET_ROTATE = "recipient.secret_rotate", _("Changed a recipient's secret")
    # privacy: exports, account
    EXPORT_READ = "export.read", _("Read your data export")
    ACCOUNT_CANCEL = "account.cancel", _("Cancelled your account")
    ACCOUNT_ERASE_REPLAY = "account.erase_replay", _("Erased your account again after a restore")
    # data protection requests
    DSR_REQUEST_CREATE = "dsr.request_create", _("Received your data protection request")
    DSR_REQUEST_READ = "dsr.request_read", _("Opened your data protection request")
    DSR_VERIFICATION_RESEND = "dsr.verification_resend", _("Sent the confirmation link again")
    DSR_REQUEST_VERIFY = "dsr.request_verify", _("Confirmed your data protection request")
    DSR_REQUEST_EXTEND = "dsr.request_extend", _("Extended the time to answer your request")
    DSR_REQUEST_CLOSE = "dsr.request_close", _("Closed your data protection request")
    DSR_FEE_DECIDE = "dsr.fee_decide", _("Decided a fee for your request")
    DSR_FEE_ANSWER = "dsr.fee_answer", _("Recorded your answer about the fee")
    DSR_RESTRICTION_APPLY = "dsr.restriction_apply", _("Restricted the use of your data")
    DSR_RESTRICTION_LIFT = "dsr.restriction_lift", _("Lifted the restriction on your data")
    DSR_OBJECTION_APPLY = "dsr.objection_apply", _("Applied your objection")
    # retention
    RETENTION_DELETE = "retention.delete", _("Deleted or anonymised old data")
    RETENTION_ANONYMISE = "retention.anonymise", _("Deleted or anonymised old data")
    # marketing
    MARKETING_CAMPAIGN_CREATE = "marketing.campaign_create", _("Created a marketing campaign")
    MARKETING_CAMPAIGN_START = "marketing.campaign_start", _("Started a marketing campaign")
    MARKETING_UNSUBSCRIBE = "marketing.unsubscribe", _("Unsubscribed you from marketing")
    MARKETING_SMS_STOP = "marketing.sms_stop", _("Stopped marketing text messages to you")
    MARKETING_SEGMENTS_SET = "marketing.segments_set", _("Changed the marketing segments")
    # surveys and prize draws
    SURVEY_CREATE = "survey.create", _("Created a survey")
    SURVEY_ANSWER = "survey.answer", _("Recorded your survey answer")
    SURVEY_DRAW = "survey.draw", _("Drew the winners of a prize draw")
    SURVEY_DRAW_VERIFY = "survey.draw_verify", _("Checked a prize draw")
    SURVEY_PURGE = "survey.purge", _("Deleted survey answers")
    # merchants
    MERCHANT_CREATE = "merchant.create", _("Created a merchant")
    MERCHANT_PENDING = "merchant.pending", _("Set a merchant to wait for approval")
    MERCHANT_APPROVED = "merchant.approved", _("Approved a merchant")
    MERCHANT_SUSPENDED = "merchant.suspended", _("Suspended a merchant")
    MERCHANT_REACTIVATED = "merchant.reactivated", _("Reactivated a merchant")
    MERCHANT_APPLY = "merchant.apply", _("Applied to become a merchant")
    MERCHANT_VERIFY = "merchant.verify", _("Confirmed a merchant application's e-mail")
    MERCHANT_REJECT = "merchant.reject", _("Rejected a merchant application")
    MERCHANT_APPLICATION_READ = (
        "merchant.application_read",
        _("Read a merchant applicant's contact details"),
    )
    MERCHANT_INVITE = "merchant.invite", _("Invited a member to a merchant")
    MERCHANT_JOIN = "merchant.join", _("Joined the staff of a merchant")
    MERCHANT_MEMBER_REMOVE = "merchant.member_remove", _("Removed a member from a merchant")
    PREMISES_CREATE = "premises.create", _("Added premises")
    PREMISES_UPDATE = "premises.update", _("Changed premises")
    TERMINAL_CREATE = "terminal.create", _("Added a terminal")
    TERMINAL_REVOKE = "terminal.revoke", _("Revoked a terminal")
