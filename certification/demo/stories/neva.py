"""Neva Power Supply JSC (Saint Petersburg): stage 1 under way, the auditor's notes so far."""

from __future__ import annotations

from datetime import date, timedelta

from certification.demo.notes import DemoFinding
from certification.demo.onsite import (
    answer,
    attach,
    first_audits,
    on_site,
    write_up,
)
from certification.demo.organisations import DemoOrg

ORGANISATION = DemoOrg(
    "АО «Невская энергосбытовая компания»",
    "Neva Power Supply JSC",
    "RU",
    "Санкт-Петербург",
    "Невский пр., д. 95, лит. А, Санкт-Петербург, 191036",
    "27",
    540,
    "ru",
    "EUR",
    "Рассмотрение жалоб бытовых и корпоративных потребителей электроэнергии",
    "stage1_in_progress",
    [("Выборгское отделение", "Выборг", 70)],
    client_email="kachestvo@nevaenergo.example.ru",
    team=("elena.petrova@demo.test", "nino.beridze@demo.test"),
)

NEVA_OBSERVATION = DemoFinding(
    "5.4-c",
    "observation",
    None,
    "Представитель по работе с жалобами (заместитель директора по клиентскому сервису) назначен "
    "устно; приказ с его полномочиями не предъявлен. Запрошен к этапу 2.",
    statement="Представитель руководства по работе с жалобами назначен без документа, "
    "определяющего его обязанности и полномочия.",
    requirement="ISO 10002:2018, п. 5.4; РК-07 ред. 2, приложение Б (матрица ответственности).",
)
NEVA_STAGE1 = [
    (
        "4.1-a",
        "conforming",
        "Руководство по работе с жалобами РК-07 ред. 2 (утв. 12.02) "
        "перечисляет принципы п. 4 ISO 10002 и ответственных за каждый. Начальник отдела по работе "
        "с клиентами О. В. Иванова пояснила, как они применяются.",
    ),
    (
        "4.2-a",
        "conforming",
        "Политика подписана генеральным директором. Жалобы — постоянный "
        "пункт еженедельного совещания руководства (протоколы за 2 месяца просмотрены).",
    ),
    (
        "4.3-a",
        "conforming",
        "В контакт-центре 42 оператора, около 3 100 жалоб в год. "
        "На дату аудита 37 жалоб в работе, все в пределах срока.",
    ),
    (
        "4.4-a",
        "conforming",
        "Порядок подачи жалоб опубликован на сайте и на обороте "
        "квитанции; информационный стенд в офисе обслуживания на Невском пр.",
    ),
    (
        "4.5-a",
        "conforming",
        "Каналы: бесплатная линия 8-800, личный кабинет, e-mail, "
        "письменно в офисах обслуживания, почтой.",
    ),
    (
        "4.5-b",
        "conforming",
        "Операторы помогают изложить жалобу по телефону, в офисах — "
        "консультант зала. В РК-07 не описано; подтверждено беседами, проверить на этапе 2.",
    ),
    (
        "4.6-a",
        "conforming",
        "Подтверждение получения — автоматически (SMS/e-mail). Жалобы об "
        "угрозе безопасности передаются диспетчеру РЭС сразу (регламент Р-12).",
    ),
    (
        "4.7-a",
        "conforming",
        "Жалобы на действия сотрудников рассматривает служба внутреннего "
        "контроля, а не подразделение, на которое жалуются.",
    ),
    ("4.8-a", "conforming", "Подача и рассмотрение жалоб бесплатны."),
    (
        "4.9-a",
        "conforming",
        "CRM «Энергосбыт-Клиент» ведёт журнал изменений; удалять записи "
        "может только администратор.",
    ),
    (
        "4.10-a",
        "conforming",
        "Согласие на обработку персональных данных (152-ФЗ) в форме жалобы; доступ к CRM по ролям.",
    ),
    (
        "4.11-a",
        "conforming",
        "Жалобы разбираются на планёрках как источник улучшений; "
        "премирование операторов не зависит от числа жалоб.",
    ),
    (
        "4.12-a",
        "conforming",
        "Матрица ответственности — приложение Б к РК-07. Ежемесячный "
        "отчёт о жалобах направляется правлению.",
    ),
    (
        "4.13-a",
        "conforming",
        "Цель «снизить повторные жалобы на 15 %» включена в цели компании на текущий год.",
    ),
    (
        "4.14-a",
        "conforming",
        "Программа обучения операторов; проверить записи об обучении на этапе 2.",
    ),
    (
        "4.15-a",
        "conforming",
        "Сроки: регистрация в день поступления, ответ — 10 рабочих "
        "дней (срочные — 3). За I квартал 91 % ответов в срок.",
    ),
    (
        "5.1-a",
        "conforming",
        "Анализ среды (март) учитывает требования регулятора и гарантирующего поставщика.",
    ),
    (
        "5.1-b",
        "conforming",
        "Область в РК-07 §1 совпадает с заявленной, включая Выборгское отделение.",
    ),
    (
        "5.2-a",
        "conforming",
        "Генеральный директор утверждает ежеквартальный отчёт о жалобах и бюджет контакт-центра.",
    ),
    (NEVA_OBSERVATION.question, NEVA_OBSERVATION.grade, NEVA_OBSERVATION.evidence),
    ("5.3-a", "conforming", "Политика утверждена 12.02, размещена на сайте."),
]
NEVA_ATTACHMENT = ("poryadok-podachi-zhalob.pdf", "Complaints procedure as published online")


def audits(spec: DemoOrg, org, client, staff, today: date) -> None:
    """Stage 1 started yesterday: part of the checklist answered, one observation written up."""
    planner = staff["planner@demo.test"]
    team = [staff[email] for email in spec.team]
    stage1, _ = first_audits(org)
    team = on_site(planner, team, stage1, today - timedelta(days=1), 2, today - timedelta(days=38))
    entries = [(q, grade, None, note) for q, grade, note in NEVA_STAGE1]
    answer(team, stage1, entries, today)
    write_up(team[0], stage1, [NEVA_OBSERVATION])
    attach(team[0], stage1, "4.4-a", NEVA_ATTACHMENT)
