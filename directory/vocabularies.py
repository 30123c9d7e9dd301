"""The network's controlled vocabularies: the codes and their English labels.

Codes are what the API filters on and what never changes; labels are rows of the vocabulary
models (translated in wagtail-localize like any other content). This module is the seed the
migrations and `seed_demo` load; editors may add terms in the admin afterwards.
"""

# NACE Rev. 2 sections.
NACE_SECTIONS = [
    ("A", "Agriculture, forestry and fishing"),
    ("B", "Mining and quarrying"),
    ("C", "Manufacturing"),
    ("D", "Electricity, gas, steam and air conditioning supply"),
    ("E", "Water supply; sewerage, waste management and remediation activities"),
    ("F", "Construction"),
    ("G", "Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    ("H", "Transportation and storage"),
    ("I", "Accommodation and food service activities"),
    ("J", "Information and communication"),
    ("K", "Financial and insurance activities"),
    ("L", "Real estate activities"),
    ("M", "Professional, scientific and technical activities"),
    ("N", "Administrative and support service activities"),
    ("O", "Public administration and defence; compulsory social security"),
    ("P", "Education"),
    ("Q", "Human health and social work activities"),
    ("R", "Arts, entertainment and recreation"),
    ("S", "Other service activities"),
    ("T", "Activities of households as employers"),
    ("U", "Activities of extraterritorial organisations and bodies"),
]

# The 17 UN Sustainable Development Goals.
SDGS = [
    (1, "No poverty"),
    (2, "Zero hunger"),
    (3, "Good health and well-being"),
    (4, "Quality education"),
    (5, "Gender equality"),
    (6, "Clean water and sanitation"),
    (7, "Affordable and clean energy"),
    (8, "Decent work and economic growth"),
    (9, "Industry, innovation and infrastructure"),
    (10, "Reduced inequalities"),
    (11, "Sustainable cities and communities"),
    (12, "Responsible consumption and production"),
    (13, "Climate action"),
    (14, "Life below water"),
    (15, "Life on land"),
    (16, "Peace, justice and strong institutions"),
    (17, "Partnerships for the goals"),
]

TARGET_GROUPS = [
    ("people-with-disabilities", "People with disabilities"),
    ("long-term-unemployed", "Long-term unemployed"),
    ("youth", "Youth"),
    ("older-people", "Older people"),
    ("migrants-and-refugees", "Migrants and refugees"),
    ("people-leaving-prison", "People leaving prison"),
    ("people-with-addictions", "People with addictions"),
    ("homeless-people", "Homeless people"),
    ("women", "Women"),
    ("rural-communities", "Rural communities"),
]

RECOGNISED_STATUSES = [
    ("dk-rsv", "Registered social enterprise (Denmark, RSV)"),
    ("lv-social-enterprise", "Social enterprise status (Latvia)"),
    ("pl-social-enterprise", "Social enterprise status (Poland)"),
    ("lt-social-enterprise", "Social enterprise (Lithuania)"),
    ("none", "No recognised status"),
]

COLLABORATION_TERMS = [
    ("funding", "Funding"),
    ("mentoring", "Mentoring"),
    ("training", "Training"),
    ("eu-project-partner", "EU project partner"),
    ("supplier", "Supplier"),
    ("customer", "Customer"),
    ("distribution", "Distribution"),
    ("volunteers", "Volunteers"),
    ("research", "Research"),
    ("premises", "Premises"),
    ("legal-advice", "Legal advice"),
    ("impact-measurement", "Impact measurement"),
]

SUPPORT_TYPES = [
    ("incubator", "Incubator"),
    ("accelerator", "Accelerator"),
    ("funder", "Funder"),
    ("impact-investor", "Impact investor"),
    ("network", "Network or association"),
    ("public-authority", "Public authority"),
    ("university", "University or research"),
    ("advisory", "Advisory"),
    ("foundation", "Foundation"),
]

EVENT_TYPES = [
    ("conference", "Conference"),
    ("forum", "Forum"),
    ("workshop", "Workshop"),
    ("seminar", "Seminar"),
    ("webinar", "Webinar"),
    ("training", "Training"),
    ("meeting", "Meeting"),
    ("networking", "Networking"),
]

TOPICS = [
    ("social-entrepreneurship", "Social entrepreneurship"),
    ("impact-measurement", "Impact measurement"),
    ("business-models", "Business models"),
    ("funding", "Funding"),
    ("collaboration", "Collaboration"),
    ("digital-tools", "Digital tools"),
    ("public-procurement", "Public procurement"),
    ("work-integration", "Work integration"),
    ("circular-economy", "Circular economy"),
    ("education", "Education"),
]

# The Baltic Sea Region countries the network works in (others are data, not code).
REGION_COUNTRIES = ["DK", "DE", "EE", "FI", "IS", "LT", "LV", "NO", "PL", "SE"]

# Neighbouring countries, for partner matching: land borders and sea boundaries around the
# Baltic and the North Sea. Outside the region only the region's land neighbours are listed.
# Iceland counts Denmark (the Faroe Islands and Greenland) and Norway (Jan Mayen) as sea
# neighbours; the ISO codes of those territories are not used for entries.
LAND_BORDERS = [
    ("DK", "DE"),
    ("DE", "AT"),
    ("DE", "BE"),
    ("DE", "CH"),
    ("DE", "CZ"),
    ("DE", "FR"),
    ("DE", "LU"),
    ("DE", "NL"),
    ("DE", "PL"),
    ("PL", "BY"),
    ("PL", "CZ"),
    ("PL", "LT"),
    ("PL", "RU"),
    ("PL", "SK"),
    ("PL", "UA"),
    ("LT", "BY"),
    ("LT", "LV"),
    ("LT", "RU"),
    ("LV", "BY"),
    ("LV", "EE"),
    ("LV", "RU"),
    ("EE", "RU"),
    ("FI", "NO"),
    ("FI", "RU"),
    ("FI", "SE"),
    ("NO", "RU"),
    ("NO", "SE"),
]

SEA_BOUNDARIES = [
    ("DK", "NO"),
    ("DK", "PL"),
    ("DK", "SE"),
    ("DE", "SE"),
    ("PL", "SE"),
    ("LT", "SE"),
    ("LV", "SE"),
    ("EE", "FI"),
    ("EE", "SE"),
    ("IS", "DK"),
    ("IS", "NO"),
]


def _neighbour_table(pairs):
    table = {}
    for first, second in pairs:
        table.setdefault(first, set()).add(second)
        table.setdefault(second, set()).add(first)
    return {code: frozenset(others) for code, others in table.items()}


# ISO code -> the codes of its land and sea neighbours (symmetric).
NEIGHBOURS = _neighbour_table(LAND_BORDERS + SEA_BOUNDARIES)


def are_neighbours(first, second):
    return second in NEIGHBOURS.get(first, ())
