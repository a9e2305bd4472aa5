"""A copy of the sheets and column headers of IAF CertSearch's certification template v2.0, in
the template's order, as published in CertSearch's field glossary for certification bodies.

Kept apart from the exporter on purpose: a test compares the workbook the app writes with this
copy, so a change on either side shows."""

SHEETS = {
    "Certified Entity": [
        "Certified Entity Unique ID",
        "Certified Entity Name",
        "Certified Entity Trading Name",
        "Certified Entity English Name",
        "Certified Entity Street",
        "Certified Entity City",
        "Certified Entity State",
        "Certified Entity Zipcode/Postcode",
        "Certified Entity Country/Economy",
    ],
    "Certification": [
        "Certification Identity Number",
        "Certified Entity Unique ID",
        "Certificate Number",
        "Certification Status",
        "Accreditation Status",
        "Certification Type",
        "Certification Scope",
        "Certification Original Issue Date",
        "Certification Issue Date",
        "Certification Expiry Date",
        "Standards and Schemes",
        "Technical Sectors",
        "Confidential",
    ],
    "Certification Sites": [
        "Certification Identity Number",
        "Site Scope",
        "Site Street",
        "Site City",
        "Site State",
        "Site Zipcode/Postcode",
        "Site Country/Economy",
    ],
}
# Values of CertSearch's fixed lists the workbook may use.
STATUSES = {"Active", "Inactive", "Suspended", "Cancelled", "Draft", "Withdrawn", "Expired"}
ACCREDITATION_STATUSES = {"Accredited", "Unaccredited"}
