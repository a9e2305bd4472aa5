"""The IAF technical sectors (IAF ID 1 / EA-1/22 codes 1 to 39), the fixed list that
accreditation scopes, auditor qualifications and IAF CertSearch use."""

IAF_SECTORS: dict[str, str] = {
    "1": "Agriculture, forestry and fishing",
    "2": "Mining and quarrying",
    "3": "Food products, beverages and tobacco",
    "4": "Textiles and textile products",
    "5": "Leather and leather products",
    "6": "Wood and wood products",
    "7": "Pulp, paper and paper products",
    "8": "Publishing companies",
    "9": "Printing companies",
    "10": "Manufacture of coke and refined petroleum products",
    "11": "Nuclear fuel",
    "12": "Chemicals, chemical products and fibres",
    "13": "Pharmaceuticals",
    "14": "Rubber and plastic products",
    "15": "Non-metallic mineral products",
    "16": "Concrete, cement, lime, plaster etc.",
    "17": "Basic metals and fabricated metal products",
    "18": "Machinery and equipment",
    "19": "Electrical and optical equipment",
    "20": "Shipbuilding",
    "21": "Aerospace",
    "22": "Other transport equipment",
    "23": "Manufacturing not elsewhere classified",
    "24": "Recycling",
    "25": "Electricity supply",
    "26": "Gas supply",
    "27": "Water supply",
    "28": "Construction",
    "29": "Wholesale and retail trade; repair of motor vehicles, motorcycles and personal and "
    "household goods",
    "30": "Hotels and restaurants",
    "31": "Transport, storage and communication",
    "32": "Financial intermediation; real estate; renting",
    "33": "Information technology",
    "34": "Engineering services",
    "35": "Other services",
    "36": "Public administration",
    "37": "Education",
    "38": "Health and social work",
    "39": "Other social services",
}


def sector_label(code: str) -> str:
    """ "29" -> "IAF 29: Wholesale and retail trade; ..."; an unknown code as it is."""
    name = IAF_SECTORS.get(str(code or "").strip())
    return f"IAF {code}: {name}" if name else str(code or "")
