"""Salesforce Service Cloud: Data Loader / report CSV exports of Case, CaseHistory, CaseComment, EmailMessage,
Account, Contact and User.

Each object is exported to its own CSV file whose header row holds the API field names (`CaseNumber`,
`IsEscalated`, `UserRole.Name` for a relationship field). The fields follow the Salesforce Object Reference
(developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/): `sforce_api_objects_case`,
`sforce_api_objects_casehistory`, `sforce_api_objects_casecomment`, `sforce_api_objects_emailmessage`,
`sforce_api_objects_account`, `sforce_api_objects_contact` and `sforce_api_objects_user`. Raw columns are the
lower-case snake-case names of those fields; every record is kept whole (custom `__c` fields included) in
`_payload`. Timestamps come as `2026-05-04T09:00:00.000+0000` (an offset without a colon), which
`etl.parsing` converts to UTC; booleans as `true`/`false`; dates as `YYYY-MM-DD`.

File names: one object per file, `<Object>.csv` or `<Object>_<anything>.csv` / `<Object>-<anything>.csv`
(`Case.csv`, `Case_2026-05.csv`). The pattern `Case[-_.]*csv` takes the character after the object name from
`-`, `_` or `.`, so `Case` files never match `CaseHistory.csv` or `CaseComment.csv`, nor `Account` files
`AccountHistory.csv`, nor `User` files `UserRole.csv`. Matching is case-sensitive, as Salesforce names objects.

How the objects become canonical entities is decided in the staging models (sql/staging/salesforce/).
"""

from __future__ import annotations

from etl.streams import Field, Stream, WriteMode, flat_kinds

FORMAT = "salesforce"
MAX_AMOUNT = 1e13


def object_file_pattern(object_name: str) -> str:
    """The file-name glob for one Salesforce object's export: `Case.csv`, `Case_2026-05.csv`, `Case-1.csv`."""
    return f"{object_name}[-_.]*csv"


def _stream(name: str, object_name: str, fields: tuple[Field, ...], primary_key: str, cursor: str,
            write_mode: WriteMode) -> Stream:
    return Stream(
        FORMAT, name, object_file_pattern(object_name), "csv", fields,
        primary_key=primary_key, cursor=cursor, write_mode=write_mode,
    )


CASES = _stream(
    "cases", "Case",
    (
        Field("case_id", required=True, source="Id"),
        Field("case_number", source="CaseNumber"),
        Field("account_id", source="AccountId"),
        Field("contact_id", source="ContactId"),
        Field("origin", source="Origin"),
        Field("status", required=True, source="Status"),
        Field("priority", source="Priority"),
        Field("reason", source="Reason"),
        Field("case_type", source="Type"),
        Field("is_escalated", "bool", source="IsEscalated"),
        Field("is_closed", "bool", source="IsClosed"),
        Field("created_date", "timestamp", required=True, source="CreatedDate"),
        Field("closed_date", "timestamp", source="ClosedDate"),
        Field("last_modified_date", "timestamp", required=True, source="LastModifiedDate"),
        Field("subject", source="Subject", pii="free_text"),
        Field("description", source="Description", pii="free_text"),
        Field("owner_id", source="OwnerId"),
    ),
    primary_key="case_id", cursor="last_modified_date", write_mode="merge",
)

CASE_HISTORY = _stream(
    "case_history", "CaseHistory",
    (
        Field("case_history_id", required=True, source="Id"),
        Field("case_id", required=True, source="CaseId"),
        Field("field_name", required=True, source="Field"),
        Field("data_type", source="DataType"),
        Field("old_value", source="OldValue", pii="free_text"),
        Field("new_value", source="NewValue", pii="free_text"),
        Field("created_date", "timestamp", required=True, source="CreatedDate"),
        Field("created_by_id", source="CreatedById"),
    ),
    primary_key="case_history_id", cursor="created_date", write_mode="append",
)

CASE_COMMENTS = _stream(
    "case_comments", "CaseComment",
    (
        Field("case_comment_id", required=True, source="Id"),
        Field("parent_id", required=True, source="ParentId"),
        Field("comment_body", required=True, source="CommentBody", pii="free_text"),
        Field("is_published", "bool", source="IsPublished"),
        Field("created_date", "timestamp", required=True, source="CreatedDate"),
        Field("created_by_id", source="CreatedById"),
    ),
    primary_key="case_comment_id", cursor="created_date", write_mode="append",
)

EMAIL_MESSAGES = _stream(
    "email_messages", "EmailMessage",
    (
        Field("email_message_id", required=True, source="Id"),
        Field("parent_id", required=True, source="ParentId"),
        Field("is_incoming", "bool", source="Incoming"),
        Field("from_address", source="FromAddress", pii="email"),
        Field("to_address", source="ToAddress", pii="email"),
        Field("subject", source="Subject", pii="free_text"),
        Field("text_body", source="TextBody", pii="free_text"),
        Field("message_date", "timestamp", source="MessageDate"),
        Field("email_status", source="Status"),
        Field("created_date", "timestamp", source="CreatedDate"),
        Field("created_by_id", source="CreatedById"),
    ),
    primary_key="email_message_id", cursor="message_date", write_mode="append",
)

ACCOUNTS = _stream(
    "accounts", "Account",
    (
        Field("account_id", required=True, source="Id"),
        Field("account_name", source="Name"),
        Field("industry", source="Industry"),
        Field("account_type", source="Type"),
        Field("annual_revenue", "float", min_value=0.0, max_value=MAX_AMOUNT, source="AnnualRevenue"),
        Field("number_of_employees", "int", min_value=0.0, source="NumberOfEmployees"),
        Field("created_date", "timestamp", source="CreatedDate"),
        Field("last_modified_date", "timestamp", required=True, source="LastModifiedDate"),
        Field("segment__c", source="Segment__c"),
        Field("arr__c", "float", min_value=0.0, max_value=MAX_AMOUNT, source="ARR__c"),
        Field("churn_date__c", "date", source="Churn_Date__c"),
        Field("churned__c", "bool", source="Churned__c"),
    ),
    primary_key="account_id", cursor="last_modified_date", write_mode="merge",
)

CONTACTS = _stream(
    "contacts", "Contact",
    (
        Field("contact_id", required=True, source="Id"),
        Field("account_id", source="AccountId"),
        Field("first_name", source="FirstName", pii="person_name"),
        Field("last_name", source="LastName", pii="person_name"),
        Field("email", source="Email", pii="email"),
        Field("phone", source="Phone", pii="phone"),
        Field("mobile_phone", source="MobilePhone", pii="phone"),
        Field("created_date", "timestamp", source="CreatedDate"),
        Field("last_modified_date", "timestamp", source="LastModifiedDate"),
    ),
    primary_key="contact_id", cursor="last_modified_date", write_mode="merge",
)

USERS = _stream(
    "users", "User",
    (
        Field("user_id", required=True, source="Id"),
        Field("user_name", source="Name", pii="agent_name"),
        Field("department", source="Department"),
        Field("user_role__name", source="UserRole.Name"),
        Field("is_active", "bool", source="IsActive"),
        Field("created_date", "timestamp", source="CreatedDate"),
        Field("last_modified_date", "timestamp", source="LastModifiedDate"),
    ),
    primary_key="user_id", cursor="last_modified_date", write_mode="merge",
)

STREAMS: tuple[Stream, ...] = (CASES, CASE_HISTORY, CASE_COMMENTS, EMAIL_MESSAGES, ACCOUNTS, CONTACTS, USERS)

KINDS = flat_kinds(STREAMS)
