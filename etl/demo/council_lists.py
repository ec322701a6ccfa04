"""The council-side code lists, as the published templates spell them, period by period.

The BCF templates changed their drop-down lists between planning rounds (scheme types in 2023,
CCG -> NHS in 2022, the iBCF renamed in 2025), and ASCOF renumbered its measures in 2023-24. A
reader has to map each vintage onto one vocabulary, so each vintage is kept here verbatim and
the writers only pick the one in force. Every name is ASCII so cp1252 and UTF-8 agree on it.
"""

from __future__ import annotations

# ---- BCF: scheme types --------------------------------------------------------------------------
SCHEME_TYPES_2019 = (
    "Assistive Technologies and Equipment",
    "Care Act Implementation Related Duties",
    "Carers Services",
    "Community Based Schemes",
    "DFG Related Schemes",
    "Enablers for Integration",
    "HICM for Managing Transfer of Care",
    "Home Care or Domiciliary Care",
    "Housing Related Schemes",
    "Integrated Care Planning and Navigation",
    "Intermediate Care Services",
    "Personalised Budgeting and Commissioning",
    "Personalised Care at Home",
    "Prevention / Early Intervention",
    "Residential Placements",
    "Risk Stratification",
    "Workforce recruitment and retention",
    "Other",
)
SCHEME_TYPES_2023 = (
    "Assistive Technologies and Equipment",
    "Care Act Implementation Related Duties",
    "Carers Services",
    "Community Based Schemes",
    "DFG Related Schemes",
    "Enablers for Integration",
    "High Impact Change Model for Managing Transfer of Care",
    "Home Care or Domiciliary Care",
    "Housing Related Schemes",
    "Integrated Care Planning and Navigation",
    "Bed based intermediate Care Services (Reablement, rehabilitation, wider short-term services supporting recovery)",
    "Home-based intermediate care services",
    "Urgent Community Response",
    "Personalised Budgeting and Commissioning",
    "Personalised Care at Home",
    "Prevention / Early Intervention",
    "Residential Placements",
    "Workforce recruitment and retention",
    "Other",
)
SCHEME_TYPE_LISTS = {"2019": SCHEME_TYPES_2019, "2023": SCHEME_TYPES_2023}

# Per scheme type (either list): (relative weight, scheme name stem, unit of planned outputs or "").
# Weights follow the rough mix of real plans: many home care and intermediate care lines, few Other.
SCHEME_TYPE_DETAIL = {
    "Assistive Technologies and Equipment": (8, "Community equipment service", "Number of beneficiaries"),
    "Care Act Implementation Related Duties": (4, "Care Act duties", ""),
    "Carers Services": (7, "Carers support service", "Beneficiaries"),
    "Community Based Schemes": (8, "Community wellbeing service", ""),
    "DFG Related Schemes": (1, "Disabled facilities grants", "Number of adaptations funded/people supported"),
    "Enablers for Integration": (5, "Integration programme team", ""),
    "HICM for Managing Transfer of Care": (6, "Hospital discharge team", ""),
    "High Impact Change Model for Managing Transfer of Care": (6, "Hospital discharge team", ""),
    "Home Care or Domiciliary Care": (10, "Home care capacity", "Hours of care"),
    "Housing Related Schemes": (3, "Housing support", ""),
    "Integrated Care Planning and Navigation": (6, "Care coordination service", ""),
    "Intermediate Care Services": (10, "Intermediate care and reablement", "Packages"),
    "Bed based intermediate Care Services (Reablement, rehabilitation, wider short-term services supporting recovery)":
        (6, "Step-down intermediate care beds", "Number of placements"),
    "Home-based intermediate care services": (7, "Reablement at home", "Packages"),
    "Urgent Community Response": (4, "Urgent community response team", "Packages"),
    "Personalised Budgeting and Commissioning": (3, "Personal health budgets", ""),
    "Personalised Care at Home": (5, "Care at home support", ""),
    "Prevention / Early Intervention": (6, "Falls prevention service", ""),
    "Residential Placements": (6, "Care home placements", "Number of beds"),
    "Risk Stratification": (2, "Population health risk stratification", ""),
    "Workforce recruitment and retention": (4, "Care workforce programme", "WTE's gained"),
    "Other": (2, "Local initiatives", ""),
}
SUB_TYPES = {
    "Assistive Technologies and Equipment": "Community based equipment",
    "Carers Services": "Respite services",
    "DFG Related Schemes": "Adaptations, including statutory DFG grants",
    "Home Care or Domiciliary Care": "Domiciliary care packages",
    "Intermediate Care Services": "Reablement/Rehabilitation services",
    "Home-based intermediate care services": "Reablement at home (to support discharge)",
    "Residential Placements": "Care home",
    "Prevention / Early Intervention": "Social Prescribing",
}
SCHEME_QUALIFIERS = ("North", "South", "East", "West", "Central", "Hospital", "Community", "Extended",
                     "Enhanced", "Rapid", "Phase 2", "Pilot")
OTHER_SPECIFY = ("Voluntary sector grants", "Contingency", "Programme management", "Digital inclusion")
AREA_OTHER_SPECIFY = ("Housing", "Voluntary sector", "Public health", "Cross-cutting programme support")

# ---- BCF: other drop-downs ------------------------------------------------------------------------
AREAS_OF_SPEND = ("Social Care", "Community Health", "Mental Health", "Continuing Care", "Primary Care", "Acute",
                  "Other")
PROVIDERS = ("Local Authority", "NHS Acute Provider", "NHS Community Provider", "NHS Mental Health Provider",
             "Private Sector", "Charity / Voluntary Sector", "NHS", "Other")

# Funding sources by planning period, in the template's order. Roles (what a source is, whatever
# the period calls it) let one set of shares and spending rules serve every vintage.
FUNDING = {
    "2019-20": (("Minimum CCG Contribution", "nhs_min"), ("iBCF", "ibcf"), ("DFG", "dfg"),
                ("Winter Pressures Grant", "winter"), ("Additional LA Contribution", "la_add"),
                ("Additional CCG Contribution", "nhs_add")),
    "2020-21": (("Minimum CCG Contribution", "nhs_min"), ("iBCF", "ibcf"), ("DFG", "dfg"),
                ("Additional LA Contribution", "la_add"), ("Additional CCG Contribution", "nhs_add")),
    "2021-22": (("Minimum CCG Contribution", "nhs_min"), ("iBCF", "ibcf"), ("DFG", "dfg"),
                ("Additional LA Contribution", "la_add"), ("Additional CCG Contribution", "nhs_add")),
    "2022-23": (("Minimum NHS Contribution", "nhs_min"), ("iBCF", "ibcf"), ("DFG", "dfg"),
                ("Additional LA Contribution", "la_add"), ("Additional NHS Contribution", "nhs_add")),
    "2023-25": (("Minimum NHS Contribution", "nhs_min"), ("iBCF", "ibcf"), ("DFG", "dfg"),
                ("Additional LA Contribution", "la_add"), ("Additional NHS Contribution", "nhs_add"),
                ("Local Authority Discharge Funding", "la_discharge"), ("ICB Discharge Funding", "icb_discharge")),
    "2025-26": (("Minimum NHS Contribution", "nhs_min"), ("Local Authority Better Care Grant", "ibcf"),
                ("DFG", "dfg"), ("Additional LA Contribution", "la_add"), ("Additional NHS Contribution", "nhs_add")),
}
# Mean share of a plan by role (spec: minimum NHS ~55%, iBCF/LABCG ~25%, DFG ~8%, discharge ~5%,
# additional contributions the rest); renormalised over the roles a period has.
ROLE_SHARE = {"nhs_min": 0.55, "ibcf": 0.25, "dfg": 0.08, "winter": 0.03, "la_discharge": 0.03,
              "icb_discharge": 0.02, "la_add": 0.05, "nhs_add": 0.07}
# Where each role's money goes (probabilities over AREAS_OF_SPEND): about 45% social care overall.
ROLE_SPEND = {
    "nhs_min": (0.2, 0.5, 0.08, 0.05, 0.05, 0.07, 0.05),
    "ibcf": (0.92, 0, 0, 0, 0, 0, 0.08),
    "dfg": (0.6, 0, 0, 0, 0, 0, 0.4),
    "winter": (1.0, 0, 0, 0, 0, 0, 0),
    "la_add": (0.85, 0, 0, 0, 0, 0, 0.15),
    "nhs_add": (0.2, 0.5, 0.1, 0, 0, 0.1, 0.1),
    "la_discharge": (1.0, 0, 0, 0, 0, 0, 0),
    "icb_discharge": (0.5, 0.5, 0, 0, 0, 0, 0),
}
NHS_ROLES = ("nhs_min", "nhs_add", "icb_discharge")

# ---- BCF: the periods ---------------------------------------------------------------------------------
# period -> (financial years it plans, expenditure sheet name, scheme-type list, NHS commissioner word)
PLAN_PERIODS = {
    "2019-20": (("2019-20",), "5. Expenditure", "2019", "CCG"),
    "2020-21": (("2020-21",), "5. Expenditure", "2019", "CCG"),
    "2021-22": (("2021-22",), "5. Expenditure", "2019", "CCG"),
    "2022-23": (("2022-23",), "5. Expenditure", "2019", "ICB"),
    "2023-25": (("2023-24", "2024-25"), "6a. Expenditure", "2023", "ICB"),
    "2025-26": (("2025-26",), "Expenditure", "2023", "ICB"),
}
YEAR_END_YEARS = ("2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
# Plan per registered resident, pounds a year (spec: about 150 in 2019-20 rising to about 210).
PER_HEAD = {"2019-20": 150.0, "2020-21": 160.0, "2021-22": 168.0, "2022-23": 178.0, "2023-24": 190.0,
            "2024-25": 200.0, "2025-26": 210.0}

PLAN_COLUMNS_HEAD = ("Scheme ID", "Scheme Name", "Brief Description of Scheme", "Scheme Type", "Sub Types",
                     "Please specify if 'Scheme Type' is 'Other'", "Planned Outputs", "Units", "Area of Spend",
                     "Please specify if 'Area of Spend' is 'other'", "Commissioner", "% NHS (if Joint Commissioner)",
                     "% LA (if Joint Commissioner)", "Provider", "Source of Funding")
PLAN_COLUMNS_TAIL = ("New/ Existing Scheme",)
YEAR_END_COLUMNS = ("Scheme ID", "Scheme Name", "Scheme Type", "Source of Funding", "Planned Expenditure (£)",
                    "Actual Expenditure (£)")


def plan_columns(period: str) -> tuple[str, ...]:
    years = PLAN_PERIODS[period][0]
    money = ("Expenditure (£)",) if len(years) == 1 else tuple(f"Expenditure for {y} (£)" for y in years)
    return PLAN_COLUMNS_HEAD + money + PLAN_COLUMNS_TAIL


# ---- ASCOF ----------------------------------------------------------------------------------------
ASCOF_YEARS = ("2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
# measure key -> (code up to 2022-23, code in 2018-19's spelling, code from 2023-24, multiplier)
ASCOF_MEASURES = {
    "admissions_18_64": ("2A1", "2A(1)", "2B", 100_000),
    "admissions_65_plus": ("2A2", "2A(2)", "2C", 100_000),
    "home_91_days": ("2B1", "2B(1)", "2D", 100),
}
ASCOF_GROUP_DESCRIPTIONS = {
    "2A": "Long-term support needs met by admission to residential and nursing care homes, per 100,000 population",
    "2B_old": "Proportion of older people (65 and over) who were still at home 91 days after discharge from "
              "hospital into reablement/rehabilitation services",
    "2B": "Long-term support needs of younger adults (aged 18-64) met by admission to residential and nursing "
          "care homes, per 100,000 population",
    "2C": "Long-term support needs of older adults (aged 65 and over) met by admission to residential and "
          "nursing care homes, per 100,000 population",
    "2D": "Proportion of older people (65 and over) who were still at home 91 days after discharge from "
          "hospital into reablement/rehabilitation services",
}
ASCOF_COLUMNS_2018 = ("Geographical Code", "Geographical Description", "Geographical Level", "ONS Area Code",
                      "ASCOF Measure Code", "Disaggregation Level", "Measure Type", "Measure Value", "Measure Group",
                      "Measure Group Description")
ASCOF_COLUMNS = tuple("ONS Code" if c == "ONS Area Code" else c for c in ASCOF_COLUMNS_2018)


def ascof_code(measure: str, year: str) -> tuple[str, str, str]:
    """(ASCOF Measure Code, Measure Group, Measure Group Description) for a measure in a year."""
    old, spelled_2018, new, _ = ASCOF_MEASURES[measure]
    if year >= "2023-24":
        return new, new, ASCOF_GROUP_DESCRIPTIONS[new]
    group = old[:2]
    code = spelled_2018 if year == "2018-19" else old
    return code, group, ASCOF_GROUP_DESCRIPTIONS["2A" if group == "2A" else "2B_old"]


def ascof_tokens(year: str) -> tuple[str, str]:
    """(suppressed, not available): the statistical symbols changed to the bracketed GSS style in 2020-21."""
    return ("c", ":") if year < "2020-21" else ("[c]", "[x]")
