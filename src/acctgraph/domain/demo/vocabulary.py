"""Words the demo book is made of: company and people names, industries, titles, comments."""

from __future__ import annotations

COMPANY_FIRST = (
    "Acme", "Aldridge", "Apex", "Arbor", "Atlas", "Aurora", "Beacon", "Birch", "Blue Peak", "Bright",
    "Cascade", "Cedar", "Clearwater", "Cobalt", "Copper", "Crescent", "Delta", "Driftwood", "Eastgate",
    "Ember", "Evergreen", "Falcon", "Fjord", "Foxglove", "Granite", "Harbor", "Helix", "Highland",
    "Horizon", "Iron", "Juniper", "Keystone", "Kestrel", "Lakeshore", "Lighthouse", "Lumen", "Maple",
    "Meridian", "Monarch", "Northwind", "Nova", "Oakridge", "Orchid", "Pacific", "Pinnacle", "Polar",
    "Quarry", "Redwood", "Ridgeline", "Riverbend", "Sable", "Sapphire", "Silverline", "Solstice",
    "Summit", "Tidewater", "Trident", "Vantage", "Vertex", "Willow", "Zenith",
)
COMPANY_SECOND = (
    "Analytics", "Bank", "Biotech", "Capital", "Clinics", "Cloud", "Communications", "Consulting",
    "Dynamics", "Energy", "Foods", "Freight", "Health", "Holdings", "Industries", "Insurance",
    "Labs", "Learning", "Logistics", "Manufacturing", "Media", "Networks", "Outfitters", "Partners",
    "Pharma", "Retail", "Robotics", "Software", "Systems", "Telecom", "Travel", "Ventures",
)
PARTNER_SUFFIX = ("Consulting Group", "Digital Agency", "Solutions Partners", "Integrators")
INDUSTRIES = (
    "Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Logistics",
    "Education", "Media", "Energy", "Telecommunications", "Public Sector", "Professional Services",
)
REGIONS = {
    "North America": ("USD", (".com", ".io", ".us")),
    "EMEA": ("EUR", (".de", ".fr", ".nl", ".eu")),
    "UK & Ireland": ("GBP", (".co.uk", ".ie", ".uk")),
    "APAC": ("USD", (".com.au", ".sg", ".co.nz")),
    "LATAM": ("USD", (".com.br", ".mx", ".cl")),
}
SUBSIDIARY_SUFFIX = {
    "North America": "Americas",
    "EMEA": "Europe GmbH",
    "UK & Ireland": "UK Ltd",
    "APAC": "APAC Pte",
    "LATAM": "Latin America",
}

FIRST_NAMES = (
    "Aisha", "Alex", "Amara", "Ana", "Ben", "Carla", "Chen", "Daniel", "Diego", "Elena", "Emma", "Farah",
    "Felix", "Grace", "Hannah", "Hiro", "Ines", "Isaac", "Jade", "James", "Jonas", "Julia", "Kai", "Karin",
    "Leila", "Liam", "Lucas", "Maya", "Mateo", "Mei", "Nadia", "Noah", "Olga", "Omar", "Priya", "Rafael",
    "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Tom", "Valentina", "Victor", "Yara", "Yusuf", "Zoe", "Zara",
)
LAST_NAMES = (
    "Adeyemi", "Almeida", "Andersen", "Bauer", "Becker", "Brennan", "Castro", "Chen", "Costa", "Dubois",
    "Eriksen", "Fischer", "Garcia", "Gupta", "Haddad", "Hansen", "Ito", "Jensen", "Kowalski", "Kumar",
    "Larsen", "Lopez", "Martin", "Meyer", "Moreau", "Nakamura", "Novak", "Okafor", "Olsen", "Patel",
    "Petrov", "Quinn", "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Tanaka", "Torres", "Varga",
    "Wagner", "Walsh", "Weber", "Wong", "Yilmaz", "Zhang",
)

NPS_COMMENTS = {
    "promoter": (
        "The team adopted it in weeks; our account manager is great.",
        "Reporting saves us hours every week.",
        "Rock solid, and support answers fast.",
        "We are rolling it out to more teams next quarter.",
    ),
    "passive": (
        "Does the job, a few rough edges in the UI.",
        "Good product, pricing is getting hard to justify.",
        "Would like better integration with our data warehouse.",
    ),
    "detractor": (
        "Too many outages this quarter.",
        "Support takes days to respond to urgent issues.",
        "Adoption stalled, most of the team went back to spreadsheets.",
        "We are evaluating alternatives for the renewal.",
        "Invoices and seat counts keep being wrong.",
    ),
}
TICKET_SUBJECTS = (
    "SSO login fails for some users", "Export to CSV times out", "Dashboard shows stale data",
    "API rate limit reached", "Question about seat allocation", "Webhook deliveries delayed",
    "Permission error on shared workspace", "Invoice does not match contract", "Slow search results",
    "Data sync from CRM incomplete", "Request: bulk user import", "Mobile app crashes on launch",
)
ACTIVITY_SUBJECTS = {
    "call": ("Check-in call", "Adoption review call", "Renewal prep call", "Escalation follow-up call"),
    "email": ("Shared release notes", "Sent usage report", "Follow-up on open tickets", "Renewal quote sent"),
    "meeting": ("Onsite workshop", "Roadmap preview", "Executive sponsor meeting", "Training session"),
    "note": ("Champion changing roles", "Budget cycle starts in Q3", "Evaluating a competitor"),
    "task": ("Prepare success plan", "Send renewal paperwork", "Schedule executive sponsor call"),
    "qbr": ("Quarterly business review",),
}
LOST_REASONS = (
    "Budget cut", "Moved to a competitor", "Company acquired", "Low adoption", "Consolidated tooling",
)
TITLES = {
    "economic_buyer": ("Chief Financial Officer", "VP of Operations", "Chief Operating Officer", "VP of Sales"),
    "decision_maker": ("Director of Operations", "Director of IT", "Head of Revenue Operations", "Director of Support"),
    "champion": ("Operations Manager", "Senior Analyst", "Revenue Operations Lead", "Program Manager"),
    "influencer": ("IT Manager", "Security Lead", "Team Lead", "Procurement Manager"),
    "end_user": ("Analyst", "Specialist", "Coordinator", "Associate"),
    "detractor": ("IT Architect", "Finance Manager", "Head of Data"),
}
