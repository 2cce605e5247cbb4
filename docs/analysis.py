# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Analysis notebook
#
# This notebook is run afresh every time the site is built, against the data in `data/`.
# It uses the same loading, validation and statistics code as the rest of the site, so its
# numbers cannot drift from the pages. If any cell fails, the build fails.

# %%
import sys
from pathlib import Path

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "mkdocs.yml").exists())
sys.path.insert(0, str(ROOT))

import pandas as pd

from scripts.charts import build_charts
from scripts.load import load
from scripts.stats import compute_statistics, format_number, referral_rates

# Show numbers as people write them (537, not 537.0) and text in full.
pd.set_option("display.max_colwidth", None)

tables = load(ROOT / "data")
stats = compute_statistics(tables)

# %% [markdown]
# ## The headline figures

# %%
pd.DataFrame(
    [(s.name, s.display, s.label) for s in stats.values()][:12],
    columns=["statistic", "value", "what it is"],
).set_index("statistic").rename_axis(index=None, columns="statistic")

# %% [markdown]
# ## Every published referral count, per month

# %%
rates = referral_rates(tables["figures"], tables["referral_datasets"]).set_index("dataset")
rates.assign(  # a count the source gives as a minimum keeps its "at least", and so does its rate
    count=[f"{bound} {format_number(c)}".strip() for c, bound in zip(rates["count"], rates["bound"])],
    months=rates["months"].map(lambda m: "years only" if pd.isna(m) else f"{m:.0f}"),
    per_month=[("not computed" if pd.isna(v) else f"{bound} {format_number(v, 1)}".strip())
               for v, bound in zip(rates["per_month"], rates["bound"])],
)[["counts", "area", "count", "period", "months", "per_month"]].rename_axis(index=None, columns="dataset")

# %%
from IPython.display import HTML

from scripts.chart_files import page_svg

HTML(page_svg(build_charts(tables, stats)["counts"], "wide"))  # inline SVG with role="img", <title> and <desc>
