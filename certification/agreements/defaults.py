# ruff: noqa: E501  (legal texts: one clause a line)
"""The agreement's first version until an admin publishes the body's own (in the six languages).

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
    "ru": """Договор на сертификацию

1. Клиент выполняет требования к сертификации по стандарту, на соответствие которому он сертифицирован, и внедряет изменения, о которых сообщает орган по сертификации.
2. Клиент обеспечивает всё необходимое для проведения аудитов: доступ к документам, записям, производственным площадкам, персоналу и к рассмотрению претензий, в том числе при специальных аудитах и при участии наблюдателей.
3. Клиент без промедления сообщает органу по сертификации об изменениях, которые могут повлиять на его сертифицированную систему: правовой статус, собственность, организационная структура, руководство, производственные площадки, область сертификации.
4. Клиент использует сертификат и знак органа по сертификации только так, как допускают правила использования знаков: никогда на продукции или для деятельности вне области сертификации и никогда так, чтобы это вводило в заблуждение.
5. При приостановлении или отзыве сертификата клиент прекращает использовать сертификат, знак и любые ссылки на сертификацию и по требованию возвращает сертификат.
6. Клиент ведёт записи о претензиях, полученных в отношении его сертифицированной системы, и о принятых мерах и предъявляет их на аудитах.
7. Орган по сертификации сохраняет конфиденциальность полученной информации, по запросу сообщает статус сертификата и действует беспристрастно.
8. Сертификат остаётся собственностью органа по сертификации.""",
    "ka": """სერტიფიცირების ხელშეკრულება

1. კლიენტი იცავს იმ სტანდარტის სერტიფიცირების მოთხოვნებს, რომლის მიხედვითაც არის სერტიფიცირებული, და ახორციელებს ცვლილებებს, რომლებსაც მას სერტიფიცირების ორგანო აცნობებს.
2. კლიენტი უზრუნველყოფს ყველაფერს, რაც აუდიტებისთვის არის საჭირო: წვდომას დოკუმენტებზე, ჩანაწერებზე, ობიექტებზე, პერსონალზე და საჩივრების განხილვაზე, მათ შორის სპეციალური აუდიტებისა და დამკვირვებლების შემთხვევაში.
3. კლიენტი დაუყოვნებლივ აცნობებს სერტიფიცირების ორგანოს ცვლილებებს, რომლებმაც შეიძლება გავლენა იქონიოს მის სერტიფიცირებულ სისტემაზე: სამართლებრივი სტატუსი, საკუთრება, ორგანიზაცია, ხელმძღვანელობა, ობიექტები, სერტიფიცირების სფერო.
4. კლიენტი სერტიფიკატს და სერტიფიცირების ორგანოს ნიშანს იყენებს მხოლოდ ნიშნების გამოყენების წესების შესაბამისად: არასოდეს პროდუქციაზე ან სერტიფიცირების სფეროს გარეთ არსებული საქმიანობისთვის და არასოდეს შეცდომაში შემყვანი ფორმით.
5. სერტიფიკატის შეჩერების ან გაუქმების შემთხვევაში კლიენტი წყვეტს სერტიფიკატის, ნიშნისა და სერტიფიცირებაზე ნებისმიერი მითითების გამოყენებას და მოთხოვნისას აბრუნებს სერტიფიკატს.
6. კლიენტი აწარმოებს ჩანაწერებს მის სერტიფიცირებულ სისტემასთან დაკავშირებით მიღებული საჩივრებისა და გატარებული ქმედებების შესახებ და წარადგენს მათ აუდიტებზე.
7. სერტიფიცირების ორგანო ინახავს მიღებული ინფორმაციის კონფიდენციალურობას, მოთხოვნისას აქვეყნებს სერტიფიკატის სტატუსს და მოქმედებს მიუკერძოებლად.
8. სერტიფიკატი რჩება სერტიფიცირების ორგანოს საკუთრებად.""",
    "vi": """Hợp đồng chứng nhận

1. Khách hàng tuân thủ các yêu cầu chứng nhận của tiêu chuẩn mà mình được chứng nhận và thực hiện những thay đổi do tổ chức chứng nhận thông báo.
2. Khách hàng bố trí mọi điều kiện cho các cuộc đánh giá: tiếp cận tài liệu, hồ sơ, địa điểm, nhân sự và việc xử lý khiếu nại, kể cả khi đánh giá đặc biệt và khi có quan sát viên.
3. Khách hàng thông báo ngay cho tổ chức chứng nhận những thay đổi có thể ảnh hưởng đến hệ thống đã được chứng nhận: tư cách pháp lý, quyền sở hữu, cơ cấu tổ chức, ban lãnh đạo, địa điểm, phạm vi chứng nhận.
4. Khách hàng chỉ sử dụng giấy chứng nhận và dấu của tổ chức chứng nhận theo đúng quy định sử dụng dấu: không bao giờ trên sản phẩm hoặc cho các hoạt động ngoài phạm vi chứng nhận, không bao giờ theo cách gây hiểu lầm.
5. Khi giấy chứng nhận bị đình chỉ hoặc thu hồi, khách hàng ngừng sử dụng giấy chứng nhận, dấu và mọi sự viện dẫn đến chứng nhận, và hoàn trả giấy chứng nhận khi được yêu cầu.
6. Khách hàng lưu hồ sơ về các khiếu nại nhận được liên quan đến hệ thống đã được chứng nhận và về các hành động đã thực hiện, và xuất trình hồ sơ đó khi đánh giá.
7. Tổ chức chứng nhận bảo mật thông tin thu được, công bố tình trạng của giấy chứng nhận khi có yêu cầu và hành động khách quan.
8. Giấy chứng nhận vẫn thuộc quyền sở hữu của tổ chức chứng nhận.""",
    "ar": """اتفاقية منح الشهادة

1. يلتزم العميل بمتطلبات منح الشهادة الخاصة بالمعيار الذي حصل على الشهادة وفقًا له، وينفّذ التغييرات التي تبلغه بها جهة منح الشهادات.
2. يوفّر العميل كل الترتيبات اللازمة لعمليات التدقيق: الوصول إلى الوثائق والسجلات والمواقع والأشخاص وإلى معالجة الشكاوى، بما في ذلك عمليات التدقيق الخاصة وحضور المراقبين.
3. يُبلغ العميل جهة منح الشهادات دون تأخير بالتغييرات التي قد تؤثر في نظامه الحاصل على الشهادة: الوضع القانوني، والملكية، والتنظيم، والإدارة، والمواقع، والنطاق.
4. لا يستخدم العميل الشهادة وعلامة جهة منح الشهادات إلا بما تسمح به قواعد استخدام العلامات: لا على المنتجات أبدًا ولا للأنشطة خارج النطاق الحاصل على الشهادة، ولا بطريقة مضللة أبدًا.
5. عند تعليق الشهادة أو سحبها يتوقف العميل عن استخدام الشهادة والعلامة وكل إشارة إلى منح الشهادة، ويعيد الشهادة إذا طُلب منه ذلك.
6. يحتفظ العميل بسجل للشكاوى التي يتلقاها بشأن نظامه الحاصل على الشهادة وللإجراءات المتخذة، ويعرضه أثناء عمليات التدقيق.
7. تحافظ جهة منح الشهادات على سرية المعلومات التي تحصل عليها، وتعلن حالة الشهادة عند الطلب، وتعمل بحياد.
8. تبقى الشهادة ملكًا لجهة منح الشهادات.""",
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
    "ru": """Правила использования знака сертификации

- Используйте знак только в предоставленном виде, без изменений, в одном цвете или в исходных цветах, шириной не менее 15 мм.
- Используйте его только вместе с номером сертификата и только для сертифицированной организации и производственных площадок, в пределах области сертификации.
- Никогда не размещайте его на продукции, её упаковке или в протоколе испытаний: сертификация системы менеджмента обработки претензий не является сертификацией продукции.
- Никогда не используйте его так, чтобы создавалось впечатление, что орган по сертификации одобрил продукцию, услугу или процесс.
- Немедленно прекратите его использование при приостановлении, отзыве или истечении срока действия сертификата, а также для любой сокращённой части области сертификации.""",
    "ka": """სერტიფიცირების ნიშნის გამოყენების წესები

- გამოიყენეთ ნიშანი მხოლოდ მოწოდებული სახით, შეუცვლელად, ერთ ფერში ან ორიგინალურ ფერებში, არანაკლებ 15 მმ სიგანით.
- გამოიყენეთ იგი მხოლოდ სერტიფიკატის ნომერთან ერთად და მხოლოდ სერტიფიცირებული ორგანიზაციისა და ობიექტებისთვის, სერტიფიცირების სფეროს ფარგლებში.
- არასოდეს განათავსოთ იგი პროდუქტზე, მის შეფუთვაზე ან გამოცდის ოქმში: საჩივრების განხილვის მართვის სისტემის სერტიფიცირება არ არის პროდუქტის სერტიფიცირება.
- არასოდეს გამოიყენოთ იგი ისე, რომ შეიქმნას შთაბეჭდილება, თითქოს სერტიფიცირების ორგანომ დაამტკიცა პროდუქტი, მომსახურება ან პროცესი.
- დაუყოვნებლივ შეწყვიტეთ მისი გამოყენება სერტიფიკატის შეჩერების, გაუქმების ან ვადის ამოწურვისას, ასევე სერტიფიცირების სფეროს ნებისმიერი შემცირებული ნაწილისთვის.""",
    "vi": """Quy định sử dụng dấu chứng nhận

- Chỉ sử dụng dấu đúng như được cung cấp, không chỉnh sửa, một màu hoặc màu gốc, chiều rộng tối thiểu 15 mm.
- Chỉ sử dụng dấu kèm số giấy chứng nhận, và chỉ cho tổ chức và các địa điểm được chứng nhận, trong phạm vi chứng nhận.
- Không bao giờ đặt dấu trên sản phẩm, bao bì sản phẩm hoặc báo cáo thử nghiệm: chứng nhận hệ thống quản lý xử lý khiếu nại không phải là chứng nhận sản phẩm.
- Không bao giờ sử dụng dấu theo cách gợi ý rằng tổ chức chứng nhận đã phê duyệt một sản phẩm, dịch vụ hoặc quá trình.
- Ngừng sử dụng ngay khi giấy chứng nhận bị đình chỉ, thu hồi hoặc hết hạn, và đối với mọi phần phạm vi chứng nhận đã bị thu hẹp.""",
    "ar": """قواعد استخدام علامة منح الشهادة

- استخدم العلامة كما قُدِّمت فقط، دون تعديل، بلون واحد أو بألوانها الأصلية، وبعرض لا يقل عن 15 مم.
- استخدمها مع رقم الشهادة فقط، وللمنظمة والمواقع الحاصلة على الشهادة فقط، وضمن النطاق الحاصل على الشهادة.
- لا تضعها أبدًا على منتج أو عبوته أو تقرير اختبار: منح الشهادة لنظام إدارة معالجة الشكاوى ليس منحًا لشهادة منتج.
- لا تستخدمها أبدًا بطريقة توحي بأن جهة منح الشهادات قد وافقت على منتج أو خدمة أو عملية.
- توقف عن استخدامها فورًا عند تعليق الشهادة أو سحبها أو انتهاء صلاحيتها، ولأي جزء من النطاق جرى تقليصه.""",
}
