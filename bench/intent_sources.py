"""Share of contacts by how their intent was found (vendor field, rule, model, unclassified), per source.

    python -m tests.realdata.datasets /tmp/real helpdesk twitter     # writes /tmp/real/cxpulse.toml
    python -m etl.cli run -c /tmp/real/cxpulse.toml
    python bench/intent_sources.py /tmp/real/cxpulse.toml

A source is the second part of the interaction id (`mapped:helpdesk:Case 1` -> helpdesk); the brand's own
posts (direction outbound) are shown apart: they hold no customer words, so they are always unclassified.
Also prints the classifier's stored quality (core.enr_intent_models) for the latest fit.
"""

from __future__ import annotations

import sys
from contextlib import closing

from etl.config import load_settings
from etl.warehouse import open_reader

SHARES_SQL = """
with contacts as (
    select split_part(interaction_id, ':', 2) as source_name, direction, intent_source
    from core.fct_interactions
)
select source_name, direction, intent_source, count(*) as contacts
from contacts
group by source_name, direction, intent_source
order by source_name, direction, intent_source
"""

MODEL_SQL = """
select model_version, status, reason, n_labelled, n_train, n_heldout, heldout_accuracy, heldout_macro_f1
from core.enr_intent_models
where fitted_at = (select max(fitted_at) from core.enr_intent_models)
limit 1
"""


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    settings = load_settings(argv[0])
    with closing(open_reader(settings.warehouse_url)) as reader:
        shares = reader.query_df(SHARES_SQL)
        model = reader.query_df(MODEL_SQL)
    totals = shares.groupby("source_name")["contacts"].transform("sum")
    shares["share_of_source"] = (shares["contacts"] / totals).round(4)
    print(shares.to_string(index=False))
    for name, group in shares.groupby("source_name"):
        with_intent = int(group.loc[group["intent_source"] != "unclassified", "contacts"].sum())
        total = int(group["contacts"].sum())
        print(f"{name}: {with_intent:,} of {total:,} contacts have an intent ({with_intent / total:.1%}); "
              f"the other {total - with_intent:,} are explicitly unclassified")
    if not model.empty:
        print("classifier:", model.iloc[0].to_dict())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
