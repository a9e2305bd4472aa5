"""Issue 13: the public verification API's error messages follow the reader's language
(Accept-Language), like the verification pages."""

from __future__ import annotations

import pytest

MISSING = {
    "en": "No certificate has this number.",
    "ru": "Сертификата с таким номером нет.",
    "ka": "ამ ნომრით სერტიფიკატი არ არსებობს.",
    "vi": "Không có giấy chứng nhận mang số này.",
    "ar": "لا توجد شهادة بهذا الرقم.",
}


@pytest.mark.parametrize("language", MISSING)
def test_the_api_says_a_number_is_unknown_in_the_readers_language(client, db, language):
    response = client.get(
        "/api/v1/certificates/XX-0000", headers={"Accept-Language": f"{language};q=0.9"}
    )
    assert response.status_code == 404
    assert response.get_json() == {"error": MISSING[language]}
