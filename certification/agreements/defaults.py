# ruff: noqa: E501  (legal texts: one clause a line)
"""The agreement's first version until an admin publishes the body's own (English and Turkish).

These are the body's legal texts, not interface strings: an admin replaces or extends them (any
language) in Administration > Certification agreement, and each publication is a new version.
"""

AGREEMENT = {
    "en": """Certification agreement

1. The client keeps to the certification requirements of the standard it is certified against, and implements the changes the certification body communicates.
2. The client makes all arrangements for audits: access to documents, records, sites, people and the handling of complaints, including for special audits and observers.
3. The client tells the certification body without delay of changes that may affect its certified system: legal status, ownership, organisation, management, sites, scope.
4. The client uses the certificate and the certification body's mark only as the rules for using the marks allow: never on products or for activities outside the certified scope, never in a way that misleads.
5. On suspension or withdrawal the client stops using the certificate, the mark and every reference to certification, and returns the certificate if asked.
6. The client keeps a record of the complaints it receives about its certified system and of the action taken, and shows it at audits.
7. The certification body keeps confidential the information it obtains, publishes the certificate's status on request, and acts impartially.
8. The certificate remains the property of the certification body.""",
    "tr": """Belgelendirme sözleşmesi

1. Müşteri, belgelendirildiği standardın belgelendirme şartlarına uyar ve belgelendirme kuruluşunun bildirdiği değişiklikleri uygular.
2. Müşteri tetkikler için gereken her düzenlemeyi yapar: dokümanlara, kayıtlara, sahalara, çalışanlara ve şikâyet kayıtlarına erişim; özel tetkikler ve gözlemciler dahil.
3. Müşteri, belgelendirilmiş sistemini etkileyebilecek değişiklikleri (hukuki durum, mülkiyet, organizasyon, yönetim, sahalar, kapsam) gecikmeden belgelendirme kuruluşuna bildirir.
4. Müşteri belgeyi ve belgelendirme kuruluşunun markasını yalnızca marka kullanım kurallarının izin verdiği şekilde kullanır: asla ürün üzerinde veya belgelendirilmiş kapsam dışındaki faaliyetler için değil, asla yanıltıcı biçimde değil.
5. Belgenin askıya alınması veya geri çekilmesi durumunda müşteri belgeyi, markayı ve belgelendirmeye yapılan her atfı kullanmayı bırakır; istenirse belgeyi iade eder.
6. Müşteri, belgelendirilmiş sistemi hakkında aldığı şikâyetlerin ve yapılan işlemlerin kaydını tutar ve tetkiklerde gösterir.
7. Belgelendirme kuruluşu edindiği bilgileri gizli tutar, talep hâlinde belgenin durumunu açıklar ve tarafsız davranır.
8. Belge, belgelendirme kuruluşunun mülkiyetinde kalır.""",
}

MARK_RULES = {
    "en": """Rules for using the certification mark

- Use the mark only as supplied, unaltered, in one colour or in its original colours, at least 15 mm wide.
- Use it only with the certificate number, and only for the certified organisation and sites, for the certified scope.
- Never on a product, its packaging or a test report: certification of a complaints-handling management system is not product certification.
- Never so as to suggest that the certification body approved a product, a service or a process.
- Stop using it at once on suspension, withdrawal or expiry of the certificate, and for any part of the scope that was reduced.""",
    "tr": """Belgelendirme markası kullanım kuralları

- Markayı yalnızca verildiği hâliyle, değiştirmeden, tek renk veya özgün renkleriyle ve en az 15 mm genişlikte kullanın.
- Markayı yalnızca belge numarasıyla birlikte, yalnızca belgelendirilmiş kuruluş ve sahalar için ve belgelendirilmiş kapsam için kullanın.
- Asla bir ürün, ambalajı veya deney raporu üzerinde kullanmayın: şikâyet yönetim sisteminin belgelendirilmesi ürün belgelendirmesi değildir.
- Belgelendirme kuruluşunun bir ürünü, hizmeti veya süreci onayladığını düşündürecek biçimde asla kullanmayın.
- Belgenin askıya alınması, geri çekilmesi veya süresinin dolması hâlinde ve daraltılan kapsam için kullanımı hemen bırakın.""",
}
