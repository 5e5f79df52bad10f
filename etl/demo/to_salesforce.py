"""Canonical accounts and customers as a Salesforce Data Loader export: Account.csv and Contact.csv.

Record ids are 18 characters like Salesforce's: the object's key prefix (001 Account, 003 Contact), `CX`, and
the canonical number zero-padded to 13 digits. Segment goes to the custom field Segment__c in Salesforce's
picklist spelling, ARR to ARR__c, the churn date to Churn_Date__c (and Churned__c).
"""

from __future__ import annotations

from etl.demo.to_zendesk import number_of

ACCOUNT_HEADER = ("Id", "Name", "Industry", "Type", "CreatedDate", "LastModifiedDate", "Segment__c", "ARR__c",
                  "Churn_Date__c", "Churned__c")
CONTACT_HEADER = ("Id", "AccountId", "FirstName", "LastName", "Email", "Phone", "CreatedDate", "LastModifiedDate")
SEGMENT_PICKLIST = {"enterprise": "Enterprise", "mid_market": "Mid-Market", "smb": "SMB"}


def record_id(key_prefix: str, canonical_id: str) -> str:
    """An 18-character Salesforce-style id for a canonical id (`001`, `ACC-00012` -> `001CX0000000000012`)."""
    return f"{key_prefix}CX{number_of(canonical_id):013d}"


def salesforce_time(iso_utc_text: str) -> str:
    """`2026-05-04T09:00:00Z` -> `2026-05-04T09:00:00.000+0000`, the Data Loader's spelling."""
    return f"{iso_utc_text[:19]}.000+0000"


def account_row(account: dict[str, str]) -> tuple[str, ...]:
    churned_on = account["churned_on"]
    return (
        record_id("001", account["account_id"]), account["account_name"], account["industry"], "Customer",
        salesforce_time(f"{account['started_on']}T09:00:00Z"), salesforce_time(account["updated_at"]),
        SEGMENT_PICKLIST[account["segment"]], account["arr_amount"], churned_on,
        "true" if churned_on else "false",
    )


def contact_row(customer: dict[str, str]) -> tuple[str, ...]:
    first_name, _, last_name = customer["full_name"].partition(" ")
    return (
        record_id("003", customer["customer_id"]), record_id("001", customer["account_id"]), first_name, last_name,
        customer["email"], customer["phone"], salesforce_time(customer["created_at"]),
        salesforce_time(customer["updated_at"]),
    )
