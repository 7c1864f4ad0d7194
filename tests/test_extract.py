"""The extractor on short realistic passages (written by us): what comes out, and what must not."""

import datetime as dt

import pytest

from bot.extract import extract

D = dt.date


def _items(text, published=None, today=D(2026, 11, 24), **kw):
    result = extract(text, today=today, published=published, **kw)
    return [(o.kind, o.subtype, o.to_dict()["start"], o.to_dict()["end"]) for o in result.opportunities]


CASES = [
    pytest.param(
        "Protect the Protectors Award 2027\n\nDecember 2, 2026\n\nNominations are open. The deadline for nominations is "
        "Friday, 15 January 2027 at midnight (12am GMT). Self-nominations are not accepted.",
        None, [("deadline", "nomination", "2027-01-15T23:59+00:00", None)], id="award-midnight-gmt",
    ),
    pytest.param(
        "Programme Officer (Europe)\n\nNovember 30, 2026\n\nWe are recruiting a Programme Officer. Send your CV and a cover "
        "letter to jobs@example.org quoting reference PO-EU-2026-07 no later than 8 January 2027.",
        None, [("deadline", "job", "2027-01-08", None)], id="job-no-later-than",
    ),
    pytest.param(
        "Civil society consultation on shrinking space\n\nNovember 20, 2026\n\nThe consultation will take place on "
        "3 December, from 10:00 to 12:30 (CET), online. Please register by 1 December EOD.",
        None,
        [("deadline", "registration", "2026-12-01", None),
         ("event", "meeting", "2026-12-03T10:00+01:00", "2026-12-03T12:30+01:00")],
        id="event-time-range-and-registration",
    ),
    pytest.param(
        "Istanbul, 10 November 2026 – The trial of the eleven journalists, initially scheduled for 12 November, has been "
        "postponed to 14 January. Observers will attend the hearing.",
        None, [("hearing", "trial", "2027-01-14", None)], id="superseded-hearing-next-year",
    ),
    pytest.param(
        "On 3 November 2026 the monitoring group said the appeal court will hear the case on November 27.",
        None, [("hearing", "appeal", "2026-11-27", None)], id="year-from-statement-date",
    ),
    pytest.param(
        "Geneva, 24 November 2026 – Tomorrow, the Special Rapporteur is scheduled to meet defenders in a closed briefing.",
        None, [("event", "meeting", "2026-11-25", None)], id="tomorrow-from-dateline",
    ),
    pytest.param(
        "We are collecting signatures for the joint letter until 9 December 2026. Organisations can sign on via the form.",
        D(2026, 11, 20), [("deadline", "sign-on", "2026-12-09", None)], id="sign-on-until",
    ),
    pytest.param(
        "The 61st session of the Human Rights Council will take place from 23 February to 3 April 2027 in Geneva.",
        D(2026, 11, 20), [("event", "session", "2027-02-23", "2027-04-03")], id="hrc-session-range",
    ),
    pytest.param(
        "The side event will be held on Wednesday 17 March in Room XXIV, Palais des Nations, at 13:00.",
        D(2027, 2, 10), [("event", "side-event", "2027-03-17T13:00+01:00", None)], id="side-event-geneva-local",
    ),
    pytest.param(
        "Submissions to the Special Rapporteur should be sent to hrc-sr@example.org. Deadline for submissions: 31 January 2027.",
        None, [("deadline", "call-for-input", "2027-01-31", None)], id="call-for-input",
    ),
    pytest.param(
        "Applications must reach us by 24.00 (Dutch time) on 1 March 2027.",
        None, [("deadline", "job", "2027-03-01T23:59+01:00", None)], id="dutch-time",
    ),
    pytest.param(
        "Nominations close at 00:00 CET on 20 March 2027.",
        None, [("deadline", "nomination", "2027-03-20T00:00+01:00", None)], id="cet-literal-midnight",
    ),
    pytest.param(
        "La date limite de dépôt des candidatures est fixée au 30 avril 2027 à 23h59 (heure de Paris).",
        None, [("deadline", "nomination", "2027-04-30T23:59+02:00", None)], id="french-deadline",
    ),
    pytest.param(
        "El juicio oral contra los defensores se celebrará el 3 de marzo de 2027 en Ciudad de Guatemala.",
        None, [("hearing", "trial", "2027-03-03", None)], id="spanish-trial",
    ),
    pytest.param(
        "Las postulaciones se recibirán hasta el 30 de abril de 2027.",
        None, [("deadline", "nomination", "2027-04-30", None)], id="spanish-until",
    ),
    pytest.param(
        "Die Bewerbungsfrist endet am 15. Januar 2027; Bewerbungen bitte bis zum 15. Januar 2027 einreichen.",
        None, [("deadline", "job", "2027-01-15", None)], id="german-deadline",
    ),
]

CASES += [
    pytest.param(
        "Side event: Protecting land defenders\n\nDate: 12 March 2027\nTime: 13:00–14:30 CET\n"
        "Venue: Room XXIII, Palais des Nations, Geneva\n",
        None, [("event", "side-event", "2027-03-12T13:00+01:00", "2027-03-12T14:30+01:00")], id="labelled-date-block",
    ),
    pytest.param(
        "The trial has been adjourned to 16 December 2026. The hearing will start at 10:00 local time in Istanbul.",
        D(2026, 12, 2), [("hearing", "trial", "2026-12-16T10:00+03:00", None)], id="time-in-next-sentence",
    ),
    pytest.param(
        "Applications are open from 1 December 2026 to 31 January 2027.",
        None, [("deadline", "job", "2027-01-31", None)], id="open-window-closes-on-last-day",
    ),
    pytest.param(
        "The court postponed the hearing scheduled for 18 November. The new hearing will be held on 9 December.",
        D(2026, 11, 20), [("hearing", "hearing", "2026-12-09", None)], id="postponed-the-hearing-scheduled-for",
    ),
    pytest.param(
        "The hearing set for 5 March 2027 was postponed to 12 April 2027.",
        D(2026, 11, 20), [("hearing", "hearing", "2027-04-12", None)], id="was-postponed-after-the-date",
    ),
    pytest.param(
        "Se realizará un webinar informativo el 12 de diciembre de 2026 a las 10:00 (hora de Bogotá).",
        None, [("event", "webinar", "2026-12-12T10:00-05:00", None)], id="spanish-future-and-place-time",
    ),
]

CASES += [
    pytest.param("The European Parliament will hold a public hearing on defenders in exile on 4 February 2027.",
                 None, [("event", "meeting", "2027-02-04", None)], id="parliamentary-hearing-is-an-event"),
    pytest.param("The Universal Periodic Review of Honduras will take place on 5 May 2027.",
                 None, [("event", "session", "2027-05-05", None)], id="upr"),
]

CASES += [
    pytest.param("Заявки принимаются до 15 января 2027 года.", None, [("deadline", "job", "2027-01-15", None)], id="russian-until"),  # "заявки" = applications, as in English
    pytest.param("Судебное заседание по делу правозащитника состоится 3 февраля 2027 года.", None,
                 [("hearing", "hearing", "2027-02-03", None)], id="russian-hearing"),
    pytest.param("Rozprawa apelacyjna odbędzie się 12 stycznia 2027 r.", None, [("hearing", "appeal", "2027-01-12", None)], id="polish-appeal"),
    pytest.param("Aanmelden kan tot en met 20 januari 2027.", None, [("deadline", "registration", "2027-01-20", None)], id="dutch-registration"),
]

CASES += [
    pytest.param("The trial resumes at West Kowloon Magistrates' Courts on Thursday at 9:30 am.", D(2026, 11, 16),
                 [("hearing", "trial", "2026-11-19T09:30+08:00", None)], id="bare-weekday-ahead"),
    pytest.param("Our coordinator will answer questions in a final open Q&A today at 16:00 UTC.", D(2026, 11, 20),
                 [("event", "meeting", "2026-11-20T16:00+00:00", None)], id="today-at-a-time"),
]

NEGATIVES = [
    pytest.param("The 58th regular session ran from February 24 to April 4, 2025, resulting in 32 resolutions.", id="ran-from"),
    pytest.param("She was arrested on 13 September 2020 and sentenced on 2 May 2021 by a court in Tunis.", id="arrest-and-sentence"),
    pytest.param("The forum took place in Nairobi on the 21st and 22nd of February 2026.", id="took-place"),
    pytest.param("He has been missing since November 8, 2024.", id="since"),
    pytest.param("On 14 January 2026 the experts expressed concern about the verdict.", id="statement-date"),
    pytest.param("Salary: €57,000 gross per year. 1,025 organisations signed Resolution 58/23.", id="numbers"),
    pytest.param("The court hearing was held on 4 March 2026 and the judge adjourned proceedings.", id="past-hearing"),
    pytest.param("The deadline was 15 January 2027, and it has passed.", id="deadline-passed"),
    pytest.param("Активиста задержали 5 мая 2025 года.", id="russian-arrest"),
    pytest.param("Human Rights Watch said in a statement on Friday that the hearing was unfair.", id="said-on-friday"),
    pytest.param("The hearing on Tuesday lasted nine hours.", id="hearing-on-tuesday-lasted"),
    pytest.param("The Prosecutor's register of banned organisations was updated today.", id="updated-today"),
    pytest.param("The clerk phoned to say that the hearing set for 15 May 2027 would be postponed.", id="would-be-postponed"),
]


@pytest.mark.parametrize("text, published, expected", CASES)
def test_extracts(text, published, expected):
    assert _items(text, published) == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_ignores_retrospective_mentions(text):
    assert _items(text, D(2026, 11, 24)) == []


def test_deadline_before_post_date_is_past():
    text = "Call for nominations\n\nMarch 3, 2027\n\nThe deadline was 1 February 2027. The next round opens in 2028."
    assert _items(text) == []


def test_weekday_fixes_the_year():
    # 19 February falls on a Friday in 2027 only (among the years around the reference).
    assert _items("The verdict is expected on Friday 19 February.", D(2026, 11, 24)) == [
        ("hearing", "verdict", "2027-02-19", None)]


def test_clock_is_last_resort_with_low_confidence():
    result = extract("The hearing will resume on 12 March.", today=D(2026, 11, 24))
    [item] = result.opportunities
    assert item.start == D(2027, 3, 12) and item.confidence < 0.5


def test_same_call_in_two_posts_is_one_item_with_two_sources():
    post = "Call for nominations: Defenders Prize\n\n{date}\n\nThe deadline for nominations is 30 April 2027.\n\n"
    text = post.format(date="January 19, 2027") + post.format(date="January 26, 2027")
    [item] = extract(text, today=D(2026, 11, 24)).opportunities
    assert len(item.sources) == 2


def test_fields_are_read():
    text = ("FIDH seeks a Legal Officer in Brussels\n\nJanuary 30, 2027\n\nThe International Federation for Human Rights (FIDH) "
            "is recruiting. Send your CV to recruitment@example.org quoting reference LO-BXL-0127 no later than "
            "Friday, February 26, 2027. Details: https://example.org/jobs/lo-bxl\n")
    [item] = extract(text, today=D(2026, 11, 24), name="jobs.txt").opportunities
    assert item.title == "FIDH seeks a Legal Officer in Brussels – applications close"
    assert item.contact == "recruitment@example.org"
    assert item.reference == "LO-BXL-0127"
    assert item.url == "https://example.org/jobs/lo-bxl"
    assert item.location == "Brussels"
    assert item.organizer == "International Federation for Human Rights (FIDH)"
    assert "no later than Friday, February 26, 2027" in item.evidence
    assert item.sources[0].document == "jobs.txt" and item.sources[0].post_date == D(2027, 1, 30)


def test_ids_are_stable():
    text = "The deadline for applications is 30 April 2027."
    first = extract(text, today=D(2026, 11, 24)).opportunities[0].id
    assert first == extract(text, today=D(2026, 11, 25)).opportunities[0].id


def test_a_year_written_in_the_text_beats_the_clock():
    result = extract("Call for nominations: 2025 Defenders Prize. The deadline is 15 March.", today=D(2026, 11, 24))
    [item] = result.opportunities
    assert item.start == D(2025, 3, 15) and item.confidence < 0.7


def test_three_deadlines_on_one_day_in_one_call_stay_three():
    """One announcement, three opportunities closing together: merging them would lose two."""
    text = ("Calls open at the Harbour Rights Foundation\n\n"
            "Nominations for the Lighthouse Award for human rights defenders close on 15 March 2027. "
            "Applications for the Tidewater Fellowship for young lawyers are due by 15 March 2027. "
            "Our call for input on reprisals against environmental defenders closes on 15 March 2027; "
            "send submissions to input@harbourrights.example.org.")
    found = extract(text, today=dt.date(2026, 12, 3), published=dt.date(2026, 12, 1)).opportunities
    assert sorted(o.subtype for o in found) == ["call-for-input", "fellowship", "nomination"]
    assert {o.start for o in found} == {dt.date(2027, 3, 15)} and len({o.id for o in found}) == 3

# Real court news says "adjourned until", "postponed for" and "next" in many languages; a court's
# words never make a deadline. (Sentences our own, modelled on trial-monitoring reports.)
CASES += [
    pytest.param("The judge adjourned the trial of the three land defenders until 5 March 2027.", None,
                 [("hearing", "trial", "2027-03-05", None)], id="court-until-is-a-hearing-not-a-deadline"),
    pytest.param("The appeal hearing of the union leader was postponed for 18 February.", D(2027, 1, 10),
                 [("hearing", "appeal", "2027-02-18", None)], id="postponed-for"),
    pytest.param("A audiência do caso dos agricultores foi adiada para o dia 9 de março.", D(2027, 1, 10),
                 [("hearing", "hearing", "2027-03-09", None)], id="portuguese-adiada-para"),
    pytest.param("Le procès en appel reprendra le 17 février prochain devant la cour d'appel de Tunis.", D(2027, 1, 10),
                 [("hearing", "appeal", "2027-02-17", None)], id="french-prochain-after-the-date"),
    pytest.param("Gazetecilerin davası 12 Mart 2027'de İstanbul'da görülecek.", None,
                 [("hearing", "hearing", "2027-03-12", None)], id="turkish-future-suffix"),
    pytest.param("أرجأت المحكمة النطق بالحكم في قضية المدافعين حتى 14 أبريل 2027.", None,
                 [("hearing", "verdict", "2027-04-14", None)], id="arabic-postponed-until"),
    pytest.param("Рассмотрение дела правозащитницы назначено на 22 марта 2027 года в районном суде.", None,
                 [("hearing", "hearing", "2027-03-22", None)], id="russian-set-for"),
    pytest.param("The Human Rights Council will review Zimbabwe at its 58th session (7-8 March 2027).", None,
                 [("event", "session", "2027-03-07", "2027-03-08")], id="numbered-session"),
    pytest.param("La cerimonia di consegna del premio si svolgerà lunedì 1 marzo 2027 a Roma.", None,
                 [("event", "ceremony", "2027-03-01", None)], id="italian-ceremony"),
]

CASES += [
    pytest.param("Die Einreichungsfrist für Nominierungen endet am 14. Januar 2027 um 23:59 Uhr MEZ.", None,
                 [("deadline", "nomination", "2027-01-14T23:59+01:00", None)], id="german-compound-frist-endet-am"),
    pytest.param("Prêmio Defensores 2027\n\nAs indicações podem ser feitas até o dia 6 de março.", None,
                 [("deadline", "nomination", "2027-03-06", None)], id="year-from-the-edition-in-the-text"),
    pytest.param("Solidarity evening for imprisoned journalists\n\nBeginn: 4. Februar 2027, 18:00 Uhr\n\nOrt: Berlin",
                 None, [("event", "other", "2027-02-04T18:00+01:00", None)], id="beginn-label-line"),
]

CASES += [
    pytest.param("Press release. Embargoed until 12 January 2027, 00:01 GMT.", None, [], id="embargo-is-no-deadline"),
    pytest.param("Die Bewerbungsphase endete am 31. Januar 2027.", D(2027, 2, 10), [], id="german-ended"),
    pytest.param("Le candidature si chiudono martedì 11 maggio 2027.", None,
                 [("deadline", "nomination", "2027-05-11", None)], id="month-after-an-italian-weekday"),
]


@pytest.mark.parametrize("text", [
    "Вторая неделя сессии. Сессия продлится до 9 апреля 2027 года.",
    "The judge adjourned the hearing of the eleven protesters until 2 March 2027.",
    "O julgamento foi suspenso até 15 de abril de 2027.",
])
def test_a_meeting_or_a_court_lasting_or_adjourned_until_a_date_is_no_deadline(text):
    assert [kind for kind, *_ in _items(text)].count("deadline") == 0

CASES += [
    pytest.param("La nouvelle date d'audience a été fixée au 4 mars 2027.", None,
                 [("hearing", "hearing", "2027-03-04", None)], id="french-date-fixed-for"),
    pytest.param("The court said it would issue its verdict on 22 February 2027.", None,
                 [("hearing", "verdict", "2027-02-22", None)], id="would-issue-its-verdict"),
    pytest.param("The four activists will now go to court on 5 March 2027 in Hanoi.", None,
                 [("hearing", "hearing", "2027-03-05", None)], id="will-now-go-to-court-on"),
]

CASES += [
    pytest.param("Envíe su postulación a más tardar, el 31 de enero de 2027.", None,
                 [("deadline", "nomination", "2027-01-31", None)], id="spanish-a-mas-tardar-comma"),
    pytest.param("Die Bewerbung muss bis spätestens 22.01.2027 bei uns eingehen.", None,
                 [("deadline", "job", "2027-01-22", None)], id="german-bis-spatestens"),
    pytest.param("Выдвижение кандидатов на премию проходит с 1 января по 28 февраля 2027 года.", None,
                 [("deadline", "nomination", "2027-02-28", None)], id="russian-window-s-po"),
    pytest.param("Zgłoszenia przyjmowane będą w terminie: 1 kwietnia – 30 czerwca 2027.", None,
                 [("deadline", "registration", "2027-06-30", None)], id="polish-window"),
    pytest.param("Nomineer jouw kandidaat vóór 1 juni 2027.", None,
                 [("deadline", "nomination", "2027-06-01", None)], id="dutch-voor"),
]

CASES += [
    pytest.param("Join our vigil outside the embassy on Wednesday 3 February 2027 (12-2pm).", None,
                 [("event", "other", "2027-02-03T12:00+00:00", "2027-02-03T14:00+00:00")], id="bare-hour-before-a-pm-hour"),
    pytest.param("O encontro regional será realizado entre os dias 24 e 27 de fevereiro de 2027.", None,
                 [("event", "meeting", "2027-02-24", "2027-02-27")], id="portuguese-entre-os-dias"),
    pytest.param("La commissione si riunirà a Ginevra dal 7 al 9 aprile 2027.", None,
                 [("event", "meeting", "2027-04-07", "2027-04-09")], id="italian-si-riunira"),
]

CASES += [
    pytest.param("O tribunal atendeu ao pedido para adiar o julgamento dos sete agricultores, marcado para o dia 10 de março de 2027.",
                 None, [], id="portuguese-postponed-the-trial-set-for"),
    pytest.param("Los abogados presentaron una excusa el pasado 20 de enero de 2027 ante el juzgado.", None, [],
                 id="spanish-preterite-and-pasado"),
]

CASES += [
    pytest.param("The prize will be awarded at a ceremony in the assembly hall of the parliament on 16 December 2027.", None,
                 [("event", "ceremony", "2027-12-16", None)], id="will-be-awarded-is-not-past"),
]

CASES += [
    pytest.param("Dava 12 Ocak 2026 tarihinde açıldı. Üçüncü duruşma 1 Mart Pazartesi günü Ankara'da görülecek.", None,
                 [("hearing", "hearing", "2027-03-01", None)], id="weekday-after-the-date-picks-the-year"),
]


@pytest.mark.parametrize("text, published, sure", [
    ("The vigil for the jailed lawyers will be held on Saturday at noon.", D(2027, 1, 4), False),
    ("The vigil for the jailed lawyers will be held tomorrow at noon.", D(2027, 1, 4), True),
    ("The vigil for the jailed lawyers will be held on 9 January 2027 at noon.", D(2027, 1, 4), True),
])
def test_a_bare_weekday_is_never_a_sure_date(text, published, sure):
    """'On Saturday' may be this week's or next: below the 0.8 that could publish without review."""
    (item,) = extract(text, today=D(2027, 1, 4), published=published).opportunities
    assert (item.confidence >= 0.8) == sure

CASES += [
    pytest.param("Las jornadas sobre defensoras del territorio se celebrarán en Quito el 4 y 5 de marzo de 2027.", None,
                 [("event", "conference", "2027-03-04", "2027-03-05")], id="spanish-jornadas"),
    pytest.param("El debate oral y público contra los cinco comuneros se reanudará el 8 de febrero de 2027.", None,
                 [("hearing", "trial", "2027-02-08", None)], id="spanish-debate-oral-is-a-trial"),
]


def test_a_timed_reading_and_a_day_reading_of_one_event_are_one_item_with_the_time():
    """An event's end on its own day (10:00-12:00) is no second day: the two readings merge,
    keeping the time."""
    from bot.extract.merge import merge
    from bot.model import Opportunity

    def reading(start, end):
        return Opportunity(kind="event", subtype="webinar", title="Webinar on shrinking civic space", start=start,
                           end=end, timezone=None, organizer=None, location=None, online=True, url=None, contact=None,
                           reference=None, evidence="…", confidence=0.8, sources=())
    timed = reading(dt.datetime(2027, 3, 4, 10, tzinfo=dt.timezone.utc), dt.datetime(2027, 3, 4, 12, tzinfo=dt.timezone.utc))
    [item] = merge([reading(D(2027, 3, 4), None), timed])
    assert item.start == timed.start and item.end == timed.end

CASES += [
    pytest.param("Date: Thursday 4 March 2027, 15:00-16:30 CET\nWebinar: documenting attacks on land defenders\nRegister on our site.",
                 None, [("event", "webinar", "2027-03-04T15:00+01:00", "2027-03-04T16:30+01:00")], id="label-line-opening-the-text"),
]

CASES += [
    pytest.param("Das Gericht legte den 3. März 2027 als neuen Termin fest.", None,
                 [("hearing", "hearing", "2027-03-03", None)], id="german-new-date-after-the-date"),
    pytest.param("أجلت المحكمة القضية لجلسة 30 يناير 2027.", None,
                 [("hearing", "hearing", "2027-01-30", None)], id="arabic-to-the-session-of"),
]


@pytest.mark.parametrize("text", [
    "Сотрудники фонда проведут пресс-конференцию 12 марта 2027 года в Москве.",
    "Das Konzert für die inhaftierten Journalistinnen findet am 12. März 2027 im Dom statt.",
])
def test_words_that_only_look_like_court_words_make_no_court_date(text):
    assert "hearing" not in [kind for kind, *_ in _items(text)]

CASES += [
    # The last day of a session said in a sentence of its own is the end of the session, not an event.
    pytest.param("Geneva, 10 February 2027 – The 64th session of the Human Rights Council opens on Monday 22 February. "
                 "The session lasts until 2 April.", None,
                 [("event", "session", "2027-02-22", "2027-04-02")], id="session-end-in-the-next-sentence"),
    pytest.param("В Женеве 1 марта 2027 года открывается 64-я сессия Совета ООН по правам человека. Сессия продлится до 9 апреля.",
                 None, [("event", "session", "2027-03-01", "2027-04-09")], id="russian-session-lasts-until"),
    # A court putting a trial off "until" a day: when it resumes, however far the trial is named.
    pytest.param("El juicio contra las tres periodistas acusadas de difamación por publicar su investigación sobre la mina "
                 "se volvió a suspender hasta el próximo 9 de marzo de 2027 a las 09.00 horas.", None,
                 [("hearing", "trial", "2027-03-09T09:00+00:00", None)], id="spanish-suspended-until"),
    # Schedule lines, each its own paragraph, share the introduction above the first.
    pytest.param("El Comité examinará el informe del Estado en diálogos públicos en las siguientes fechas:\n\n"
                 "2 de marzo de 2027 15:00 – 18:00\n\n3 de marzo de 2027 10:00 – 13:00\n\nLos diálogos serán públicos.", None,
                 [("event", "meeting", "2027-03-02T15:00+00:00", "2027-03-02T18:00+00:00"),
                  ("event", "meeting", "2027-03-03T10:00+00:00", "2027-03-03T13:00+00:00")], id="schedule-lines-share-their-intro"),
]


def test_the_end_of_a_session_alone_is_nothing_to_attend():
    text = "Over the session, which closes on 2 April 2027, more than a hundred side events are planned."
    assert _items(text, published=D(2027, 3, 1)) == []

CASES += [
    pytest.param("O Conselho de Direitos Humanos abre em 13 de setembro de 2027 um novo período de sessões, que deve seguir "
                 "até o dia 8 de outubro.", None,
                 [("event", "session", "2027-09-13", "2027-10-08")], id="portuguese-session-goes-on-until"),
    pytest.param("تنطلق أعمال الدورة الثامنة والخمسين لمجلس حقوق الإنسان في 23 فبراير 2027، ومن المقرر أن تستمر حتى 2 أبريل المقبل.",
                 None, [("event", "session", "2027-02-23", "2027-04-02")], id="arabic-session-continues-until"),
    pytest.param("Register by 9 March 2027 for the trial-monitoring training.", None,
                 [("deadline", "registration", "2027-03-09", None)], id="a-registration-near-court-words-stays"),
]


@pytest.mark.parametrize("text", [
    # a step only the parties take: neither a deadline for readers nor a court date
    "The judge ordered the defendants to appear again, while the prosecution has to serve its papers by 9 March 2027.",
    "The judge told the prosecution to submit its remaining evidence by 12 March 2027.",
    # a month is no day to act by
    "The intern should be available two days a week from October 2027 until January 2028.",
    # a document's publication is no day to act or attend
    "The committee's concluding observations on the five countries will be published on 6 March 2027.",
    # how long something lasts, with nothing to apply for, submit or sign
    "The contract runs from 1 March 2027 to 29 February 2028.",
    "The detention of the two lawyers was extended until 3 March 2027, their families said.",
    "La détention provisoire du militant a été prolongée jusqu'au 3 mars 2027.",
])
def test_dates_that_are_not_opportunities(text):
    assert _items(text, published=D(2027, 2, 1)) == []

CASES += [
    pytest.param("Forum on business and human rights\nDate et lieu : | 4-6 mars 2027, Genève (Suisse) |\nInscription : | Lien |\n",
                 None, [("event", "forum", "2027-03-04", "2027-03-06")], id="table-row-flattened-to-text"),
]

CASES += [
    # no word says what it is, but a day given with the hours it starts and ends is an event
    pytest.param("Public debate on the future of the treaty bodies\n\nThe two rapporteurs will discuss what the reform "
                 "means for petitioners. THURSDAY 11 MARCH 2027, 17h00 – 18h30 in the Salle des Pas Perdus, "
                 "organised by the faculty's human rights clinic.", D(2027, 2, 20),
                 [("event", "meeting", "2027-03-11T17:00+00:00", "2027-03-11T18:30+00:00")], id="a-day-with-its-hours-is-an-event"),
    # "Start:" then "End:" lines: one event from the first hour to the last
    pytest.param("Annual conference of the defenders' network\nStart: 4 May 2027, 9.00 – 18.00 hrs\n"
                 "End: 5 May 2027, 9.00 – 13.00 hrs\nPlace: Kampala", None,
                 [("event", "conference", "2027-05-04T09:00+03:00", "2027-05-05T13:00+03:00")], id="start-and-end-lines-timed"),
    pytest.param("Rencontre régionale des défenseures\nDébut : 4 mai 2027\nFin : 6 mai 2027\nLieu : Dakar", None,
                 [("event", "meeting", "2027-05-04", "2027-05-06")], id="start-and-end-lines-all-day"),
]


@pytest.mark.parametrize("text", [
    "The workshop was held on 3 March 2027, 10:00–12:00, in the library.",  # past: hours do not make it ahead
    "Ende: 30. November 2027, 14.00 Uhr",  # a closing line alone is nothing to attend
])
def test_hours_or_an_end_line_alone_announce_nothing(text):
    assert _items(text, published=D(2027, 4, 1)) == []


@pytest.mark.parametrize("words, forward", [
    ("La cour examinera le dossier", True),
    ("Le comité se réunira à Genève", True),
    ("le tribunal statuera sur la demande", True),
    ("el Juzgado Sexto de Primera Instancia Penal", False),  # Spanish and Portuguese words that end like a French future
    ("pela primeira vez, a terceira audiência", False),
    ("de otra manera de ver", False),
])
def test_a_french_future_is_told_from_words_that_end_like_it(words, forward):
    from bot.extract.kinds import _FORWARD

    assert bool(_FORWARD.search(words)) is forward


def test_a_weekday_alone_in_a_past_sentence_is_no_day_ahead():
    text = "The twelve defendants appeared before the chief magistrate at the district court on Thursday."
    assert _items(text, published=D(2027, 3, 5)) == []  # a Friday: that Thursday is yesterday

CASES += [
    pytest.param("يستمر قبول الطلبات حتى يوم 15 من شهر تشرين الثاني المقبل.", D(2027, 9, 1),
                 [("deadline", "other", "2027-11-15", None)], id="arabic-levantine-month-of-two-words"),
    pytest.param("От 1 до 20 март всеки може да номинира защитник на правата на човека за наградата.", D(2027, 2, 1),
                 [("deadline", "nomination", "2027-03-20", None)], id="bulgarian-anyone-can-nominate-from-to"),
    pytest.param("From 3 to 24 May 2027 any member organisation can nominate a candidate for the prize.", D(2027, 4, 1),
                 [("deadline", "nomination", "2027-05-24", None)], id="english-anyone-can-nominate-from-to"),
    pytest.param("THE AWARDS WILL BE MADE AT THE CLOSING SESSION ON 10 DECEMBER IN OSLO.", D(2027, 9, 1),
                 [("event", "ceremony", "2027-12-10", None)], id="awards-will-be-made-on"),
    pytest.param("Обсуждение доклада о положении правозащитников запланировано на 14 июля.", D(2027, 6, 20),
                 [("event", "meeting", "2027-07-14", None)], id="russian-discussion-planned-for"),
]


@pytest.mark.parametrize("text", [
    "Court calendar: the week of 8-12 March 2027\n\nThe trials of the four journalists will be heard this week.",
    "8-12 Mart 2027 haftasının dava takvimi",
])
def test_a_week_that_heads_a_schedule_is_no_item(text):
    assert _items(text, published=D(2027, 3, 5)) == []


@pytest.mark.parametrize("text, expected", [
    ("Nominations for the prize are due by 10 May 2027.\n\nUpdate: the deadline for nominations has been extended to 24 May 2027!",
     [("deadline", "nomination", "2027-05-24", None)]),
    ("Candidature entro lunedì 10 maggio 2027.\nAttenzione! La scadenza per le candidature è stata prorogata a lunedì 24 maggio 2027.",
     [("deadline", "nomination", "2027-05-24", None)]),
    # another call's deadline in the same text stays
    ("Registration for the training closes on 3 May 2027. Nominations for the award are due by 10 May 2027; "
     "that deadline has been extended to 24 May 2027.",
     [("deadline", "registration", "2027-05-03", None), ("deadline", "nomination", "2027-05-24", None)]),
])
def test_an_extended_deadline_retires_the_old_date(text, expected):
    assert _items(text, published=D(2027, 4, 20)) == expected


@pytest.mark.parametrize("text", [
    "Grants of up to 20,000 euros are available. Each funded project must be completed by 31 December 2028.",
    "Die Mittel sind zweckgebunden; jedes Projekt muss bis spätestens 31. Dezember 2028 abgeschlossen sein.",
])
def test_the_term_of_funded_work_is_no_deadline_to_apply_by(text):
    assert _items(text, published=D(2027, 4, 20)) == []


def test_a_date_line_block_may_name_what_it_is_far_below_the_date():
    text = ("Fecha y lugar : | 3-5 marzo 2027, Bogotá (Colombia) |\n"
            "Tema : | \"Proteger a quienes protegen: respuestas colectivas frente a la estigmatización de las defensoras "
            "comunitarias en zonas rurales\" |\n"
            "Programa : | Programa del foro (PDF) |\nContacto : | secretaria@example.org |\n")
    assert _items(text, published=D(2027, 1, 10)) == [("event", "forum", "2027-03-03", "2027-03-05")]


def test_places_with_their_dates_head_what_happens_there():
    text = ("Regional week of action 2027\n\nOur partners will hold events in three countries before the global forum.\n\n"
            "Kenya (8-9 March)\n\nThe network of women land defenders will be hosting a two-day exchange in Kisumu.\n\n"
            "Peru (15 March)\n\nA festival of community radio stations takes place in Cusco, open to the public.\n")
    assert _items(text, published=D(2027, 2, 1)) == [
        ("event", "other", "2027-03-08", "2027-03-09"), ("event", "other", "2027-03-15", None)]


@pytest.mark.parametrize("text, expected", [
    ("The festival on 12 June 2027 aims to bring the campaign to a wider audience.", [("event", "other", "2027-06-12", None)]),
    ("La prochaine audience est fixée au 12 juin 2027.", [("hearing", "hearing", "2027-06-12", None)]),
])
def test_audience_is_a_hearing_in_french_only(text, expected):
    assert _items(text, published=D(2027, 5, 1)) == expected


def test_a_date_line_with_its_hours_below_is_the_event_not_the_post_date():
    text = ("Webinar: digital security for defenders\n\n9 March 2027\n\n14:00-15:30 CET\n\nRegister here\n\n"
            "A practical webinar on threat modelling for small organisations.")
    assert _items(text, published=D(2027, 2, 1)) == [("event", "webinar", "2027-03-09T14:00+01:00", "2027-03-09T15:30+01:00")]


def test_one_event_named_two_ways_at_the_same_hours_is_one_item():
    text = ("Side event: shrinking space in the Sahel\n\nThe side event at the 58th session of the Human Rights Council "
            "takes place on 12 March 2027 from 13:00 to 14:00 CET in Room XXI. The panel discussion on 12 March 2027 "
            "from 13:00 to 14:00 CET will be interpreted.")
    assert len(_items(text, published=D(2027, 2, 1))) == 1


@pytest.mark.parametrize("text, expected", [
    ("A press conference will be held in Nairobi on 14 April 2027 at 10:00 EAT.\n\n"
     "It will be followed by a public screening of the documentary at 18:30.",
     [("event", "press-conference", "2027-04-14T10:00+03:00", None), ("event", "other", "2027-04-14T18:30+03:00", None)]),
    ("La ceremonia de entrega se celebrará el lunes 12 de abril de 2027 a las 10:00 en Lima. Asistirán las finalistas. "
     "Seguirá una rueda de prensa con las ganadoras a las 12h30.",
     [("event", "ceremony", "2027-04-12T10:00-05:00", None), ("event", "press-conference", "2027-04-12T12:30-05:00", None)]),
    # a past one after it, or one with a day of its own, is no follow-up
    ("The workshop will take place on 14 April 2027 at 10:00. Last year the closing reception took place at 18:00.",
     [("event", "workshop", "2027-04-14T10:00+00:00", None)]),
    ("The summit opens on 14 April 2027 at 10:00. A reception for the delegates follows on 15 April 2027 at 19:00.",
     [("event", "conference", "2027-04-14T10:00+00:00", None), ("event", "other", "2027-04-15T19:00+00:00", None)]),
])
def test_an_event_given_by_its_hour_alone_is_on_the_day_of_the_one_before(text, expected):
    assert _items(text, published=D(2027, 3, 1)) == expected


@pytest.mark.parametrize("text, expected", [
    # a release's "Date:" header over a report of what happened that morning
    ("Ref: 31/27\nDate: 4 March 2027\nThis morning at 10:00 the centre hosted a press conference on its annual report "
     "and was joined by families of the disappeared.", []),
    # a notice's "Date:" line over what is to come
    ("Date: 4 March 2027\nTime: 10:00\nThe centre will present its annual report at a press conference.",
     [("event", "press-conference", "2027-03-04T10:00+00:00", None)]),
])
def test_a_date_line_over_a_report_of_the_past_is_no_item(text, expected):
    assert _items(text, published=D(2027, 3, 4)) == expected


@pytest.mark.parametrize("text, expected", [
    ("A vigil will be held outside the embassy on Saturday at 19:00.", [("event", "other", "2027-03-06T19:00+00:00", None)]),
    ("A vigil will be held outside the embassy next Saturday at 19:00.", [("event", "other", "2027-03-13T19:00+00:00", None)]),
])
def test_a_weekday_in_a_text_of_that_day_is_the_day_itself(text, expected):
    assert _items(text, published=D(2027, 3, 6)) == expected  # a Saturday

CASES += [
    pytest.param("Hakuaika päättyy 15.3.2027.", D(2027, 1, 10), [("deadline", "other", "2027-03-15", None)], id="finnish-application-period-ends"),
    pytest.param("Il termine per la presentazione delle candidature è il 15 marzo 2027.", D(2027, 1, 10),
                 [("deadline", "nomination", "2027-03-15", None)], id="italian-termine-per"),
    pytest.param("A data limite para as candidaturas é 15 de março de 2027.", D(2027, 1, 10),
                 [("deadline", "nomination", "2027-03-15", None)], id="portuguese-data-limite"),
    pytest.param("Başvurular 15 Mart 2027 tarihine kadar yapılabilir.", D(2027, 1, 10),
                 [("deadline", "job", "2027-03-15", None)], id="turkish-until-after-the-date"),
    pytest.param("Mahkeme duruşmayı 8 Ekim 2027 tarihine kadar erteledi.", D(2027, 9, 1),
                 [("hearing", "hearing", "2027-10-08", None)], id="turkish-court-until-after-the-date"),
    pytest.param("Le prix sera remis le 10 décembre 2027 à Genève.", D(2027, 9, 1),
                 [("event", "ceremony", "2027-12-10", None)], id="french-prize-will-be-handed"),
    pytest.param("The bail decision was put off to 3 March 2027.", D(2027, 1, 10),
                 [("hearing", "hearing", "2027-03-03", None)], id="bail-decision-put-off"),
    # the zone of all the times, said apart from them; a time apart from its date in one sentence
    pytest.param("The webinar starts at 14:00 on 3 March 2027. All times are Central European Time.", D(2027, 1, 10),
                 [("event", "webinar", "2027-03-03T14:00+01:00", None)], id="times-zone-stated-apart"),
    pytest.param("The hearing will start at 10:00 at the Palais de Justice in Paris on 3 March 2027.", D(2027, 1, 10),
                 [("hearing", "hearing", "2027-03-03T10:00+01:00", None)], id="time-apart-from-its-date"),
]


def test_a_deadline_takes_no_stray_time_from_its_sentence():
    text = "Applications close on 3 March 2027; our office in Nairobi is open from 9:00 on weekdays."
    assert _items(text, published=D(2027, 1, 10)) == [("deadline", "job", "2027-03-03", None)]


@pytest.mark.parametrize("text, expected", [
    ("Side event at HRC61: the side event on shrinking civic space will take place on 12 March at 13:00 in Room XXI, Palais des Nations.",
     [("event", "side-event", "2026-03-12T13:00+01:00", None)]),  # the 61st session sits in 2026
    ("The 47th session of the Human Rights Council will hold an interactive dialogue on 7 July.",
     [("event", "session", "2021-07-07", None)]),
])
def test_a_numbered_council_session_gives_an_undated_text_its_year(text, expected):
    assert _items(text, today=D(2031, 6, 1)) == expected


@pytest.mark.parametrize("text, expected", [
    ("The interactive dialogue, initially scheduled for Monday 10 March 2027, will take place a week later.",
     [("event", "session", "2027-03-17", None)]),
    ("L'audience, prévue le 4 mai 2027, a été renvoyée et se tiendra deux jours plus tard.",
     [("hearing", "hearing", "2027-05-06", None)]),
])
def test_a_date_moved_by_a_span_gives_the_new_day(text, expected):
    assert _items(text, published=D(2027, 3, 1)) == expected


CASES += [
    # a web page's line break lost on the way to text glues the year to the hours
    pytest.param("Online dialogue with the Working Group on business and human rights\n\n"
                 "When: 4 March 202715:00-16:30 (Geneva)\n\nRegister online before joining.", None,
                 [("event", "meeting", "2027-03-04T15:00+01:00", "2027-03-04T16:30+01:00")], id="year-glued-to-the-hours"),
    # An event listing: each entry a heading, its date, its hours and a line saying what it is, the
    # first entry closed by its date again with the hour it was posted (no writing date for the next).
    pytest.param("Events\n\nRoundtable - Legal defence for land defenders\n\n9 March 2027\n\n10:00-11:30 CET\n\n"
                 "Register here\n\nA roundtable for lawyers who represent land defenders facing criminal charges: how to "
                 "challenge pre-trial detention, how to bring international standards before a domestic court, how to "
                 "document threats against the defence team and how to work with trial monitors from abroad. Spanish and "
                 "English interpretation will be provided.\n\n"
                 "Tuesday, March 9, 2027 - 10:00\nEvent Type:\n\n"
                 "Reprisals against those who cooperate with the UN: what the new report shows\n\n2 March 2027\n\n"
                 "13:00-14:00 CET\n\nOnline event\n\nRegister here", None,
                 [("event", "meeting", "2027-03-02T13:00+01:00", "2027-03-02T14:00+01:00"),
                  ("event", "meeting", "2027-03-09T10:00+01:00", "2027-03-09T11:30+01:00")], id="event-listing-entries"),
]

CASES += [
    # two days named as a list are two dates; two days running, or "between", one span
    pytest.param("The bail hearings of the nine students will resume on March 11 and 13, 2027.", None,
                 [("hearing", "hearing", "2027-03-11", None), ("hearing", "hearing", "2027-03-13", None)], id="list-of-two-days"),
    pytest.param("Les audiences reprendront les 11 et 13 mars 2027, de 9h30 à 12h, au tribunal de Tunis.", None,
                 [("hearing", "hearing", "2027-03-11T09:30+01:00", "2027-03-11T12:00+01:00"),
                  ("hearing", "hearing", "2027-03-13T09:30+01:00", "2027-03-13T12:00+01:00")], id="list-of-two-days-with-hours"),
    pytest.param("The training on digital security for defenders will take place on 5 and 6 March 2027 in Nairobi.", None,
                 [("event", "workshop", "2027-03-05", "2027-03-06")], id="two-days-running-are-one-span"),
    pytest.param("O fórum será realizado entre os dias 24 e 27 de fevereiro de 2027, em Brasília.", None,
                 [("event", "forum", "2027-02-24", "2027-02-27")], id="between-two-days-is-a-span"),
]
CASES += [
    # the year that closes a list of days is theirs, the first ones' too
    pytest.param("The remaining hearings are set for 5 May, 9 June and 2 September 2027.", None,
                 [("hearing", "hearing", "2027-05-05", None), ("hearing", "hearing", "2027-06-09", None),
                  ("hearing", "hearing", "2027-09-02", None)], id="a-list-closed-by-its-year"),
    pytest.param("The sessions of the tribunal are set for 14 December and 11 January 2027.", None,
                 [("hearing", "hearing", "2026-12-14", None), ("hearing", "hearing", "2027-01-11", None)],
                 id="a-list-across-the-new-year"),
]

CASES += [
    # Russian "will hold" and the hour said with the part of the day ("в 10 утра"), in a sentence
    # of its own, read in the local time of the place named
    pytest.param("Комитет проведет открытое обсуждение доклада о правозащитниках 12 марта 2027 года.", None,
                 [("event", "meeting", "2027-03-12", None)], id="russian-will-hold"),
    pytest.param("Совет ООН по правам человека в пятницу проведет специальное заседание по Беларуси. Планируется, что "
                 "заседание начнется в 10 утра по местному времени в Женеве.", D(2027, 3, 5),
                 [("event", "session", "2027-03-05T10:00+01:00", None)], id="russian-hour-of-the-morning"),
    pytest.param("Суд в Москве огласит приговор 4 марта 2027 года в 3 часа дня.", None,
                 [("hearing", "verdict", "2027-03-04T15:00+03:00", None)], id="russian-hour-of-the-afternoon"),
    # Kyrgyz: a hearing put off to a day written with its case ending
    pytest.param("Бишкек шаардык сотунда журналисттин иши боюнча 3-марттагы отурум болбой калып, 12-мартка жылдырылды.",
                 D(2027, 3, 3), [("hearing", "hearing", "2027-03-12", None)], id="kyrgyz-put-off-to"),
]

CASES += [
    # A court calendar: the day on a line of its own, the hearings listed under it, each with its hour
    pytest.param("Trial monitoring calendar\n\nThis week several cases of journalists come before the courts:\n\n"
                 "Monday 8 March 2027\n"
                 "• The third hearing of the case against reporter A. K. is held at the Criminal Court of Izmir at 09:30.\n"
                 "• The trial of the editors of a local weekly continues at the same court at 14:00.\n", None,
                 [("hearing", "hearing", "2027-03-08T09:30+03:00", None), ("hearing", "trial", "2027-03-08T14:00+03:00", None)],
                 id="court-calendar-entries-with-their-hours"),
    # "saat 10.30'da": the word for hour makes "10.30" a time; "İstanbul" lower-cases to two letters
    pytest.param("Dava takvimi\n\nBu hafta görülecek duruşmalar:\n\n15 Mart 2027 Pazartesi\n"
                 "  • Gazeteci M. T.'nin yargılandığı davanın ikinci duruşması İstanbul'da saat 10.30'da görülecek.\n"
                 "  • Yazar S. D.'nin davasının duruşması Ankara'da saat 13.45'te görülecek.\n", None,
                 [("hearing", "hearing", "2027-03-15T10:30+03:00", None), ("hearing", "hearing", "2027-03-15T13:45+03:00", None)],
                 id="court-calendar-turkish-hours"),
]
CASES += [
    # a place written with the dotted capital İ, next to a time: its zone, not a KeyError
    pytest.param("Duruşma 15 Mart 2027 tarihinde saat 10:30'da İstanbul'da görülecek.", None,
                 [("hearing", "hearing", "2027-03-15T10:30+03:00", None)], id="dotted-capital-i-place"),
]
CASES += [
    # a programme's day over its hours: one item per hour; the day in 1948 the text recalls is history
    pytest.param("Am 10. Dezember 1948 verkündete die Generalversammlung die Allgemeine Erklärung der Menschenrechte. "
                 "Zur Tagung laden wir herzlich ein.\n\nProgramm\n29. November 2027\n- 14.00 Uhr – Eröffnung der Tagung\n"
                 "- 15.30 Uhr – Podiumsgespräch", None,
                 # each entry typed by its own words: the opening of the conference, a panel discussion
                 [("event", "conference", "2027-11-29T14:00+00:00", None), ("event", "meeting", "2027-11-29T15:30+00:00", None)],
                 id="programme-day-over-its-hours"),
]
CASES += [
    # without a writing date, a day with a year well before the latest year the text writes is history
    pytest.param("Am 10. Dezember 1948 proklamierte die Generalversammlung der Vereinten Nationen die Erklärung. "
                 "Die Tagung findet am 29. November 2027 in Berlin statt.", None,
                 [("event", "conference", "2027-11-29", None)], id="a-year-long-past-is-history"),
]
CASES += [
    # an invitation is to what is to come
    pytest.param("Zur Tagung am 29. November 2027 in Berlin laden wir herzlich ein.", None,
                 [("event", "conference", "2027-11-29", None)], id="german-we-invite"),
    pytest.param("O comitê convida para o seminário de 12 de março de 2027 em Belém.", None,
                 [("event", "workshop", "2027-03-12", None)], id="portuguese-invites-to-a-seminar"),
]


@pytest.mark.parametrize("text", [
    # German "will" is "wants": no future, and the trial day it had planned is the day of writing, past
    "Nachdem sich letzte Woche zeigte, dass die Richterin das Verfahren noch vor der Sommerpause abschließen will und "
    "für den Prozesstag am 12. Juli bereits die Plädoyers eingeplant hatte, zog sich der Tag in die Länge.",
])
def test_german_will_is_no_future(text):
    assert _items(text, published=D(2027, 7, 12)) == []


@pytest.mark.parametrize("text, start", [
    # letters a case-blind pattern takes for "i" that lower() keeps apart: dotless ı, dotted İ
    ("The hearing is set for 15 March 2027 at 10:30 Naırobı time.",
     "2027-03-15T10:30+03:00"),
    ("The webinar starts at 14:00 Central European Tıme on 3 March 2027.", "2027-03-03T14:00+01:00"),
    ("The hearing starts at 10:30 İSTANBUL TİME on 15 March 2027.", "2027-03-15T10:30+03:00"),
])
def test_names_in_any_case_give_their_zone(text, start):
    [(_, _, found, _)] = _items(text)
    assert found == start
CASES += [
    # the dates of a list share the tense of its first: "set … for" stands next to the first only
    pytest.param("The court set hearings for 5 May, 9 June and 2 September 2027.", None,
                 [("hearing", "hearing", "2027-05-05", None), ("hearing", "hearing", "2027-06-09", None),
                  ("hearing", "hearing", "2027-09-02", None)], id="a-list-shares-its-tense"),
]
CASES += [
    # "has been scheduled for" announces the date; "had been scheduled for" is what it was
    pytest.param("The appeal hearing of the three journalists has been scheduled for 3 March 2027 at the Court of Appeal in Tunis.",
                 D(2027, 1, 10), [("hearing", "appeal", "2027-03-03", None)], id="has-been-scheduled-for"),
    # what a court delivers is the court's date, never a deadline
    pytest.param("The verdict is due on 3 March 2027.", D(2027, 1, 10),
                 [("hearing", "verdict", "2027-03-03", None)], id="verdict-is-due"),
    pytest.param("El conversatorio virtual se realizará el 3 de marzo de 2027 a las 15:00 horas (hora de Bogotá).", D(2027, 1, 10),
                 [("event", "meeting", "2027-03-03T15:00-05:00", None)], id="spanish-conversatorio"),
    pytest.param("A roda de conversa acontece no dia 3 de março de 2027, às 15h, em São Paulo.", D(2027, 1, 10),
                 [("event", "meeting", "2027-03-03T15:00-03:00", None)], id="portuguese-roda-de-conversa"),
    pytest.param("Il convegno si terrà il 3 marzo 2027 a Milano.", D(2027, 1, 10),
                 [("event", "conference", "2027-03-03", None)], id="italian-convegno"),
    # Arabic: "the seminar will be held on 3 March at three in the afternoon, Geneva time"
    pytest.param("ستعقد الندوة يوم 3 مارس 2027 في الساعة الثالثة مساءً بتوقيت جنيف.", D(2027, 1, 10),
                 [("event", "webinar", "2027-03-03T15:00+01:00", None)], id="arabic-hour-in-words"),
]
CASES += [
    pytest.param("The Special Rapporteur will present her annual report to the Council on 3 March 2027.", D(2027, 1, 10),
                 [("event", "meeting", "2027-03-03", None)], id="will-present-her-report"),
    pytest.param("He is due to appear before the magistrate on 3 March 2027.", D(2027, 1, 10),
                 [("hearing", "hearing", "2027-03-03", None)], id="appear-before-the-magistrate"),
]
CASES += [
    pytest.param("Frist för ansökan: 15 april 2027.", D(2027, 1, 10), [("deadline", "job", "2027-04-15", None)],
                 id="swedish-month-in-lower-case"),
    pytest.param("Rozprawa apelacyjna została wyznaczona na 23 marca 2027 r.", D(2027, 1, 10),
                 [("hearing", "appeal", "2027-03-23", None)], id="polish-set-for"),
    pytest.param("W czwartek 11 marca 2027 r. odbędzie się debata online o obrońcach praw człowieka.", D(2027, 1, 10),
                 [("event", "meeting", "2027-03-11", None)], id="polish-debate"),
    pytest.param("25 березня 2027 року відбудеться онлайн-презентація звіту.", D(2027, 1, 10),
                 [("event", "meeting", "2027-03-25", None)], id="ukrainian-presentation"),
    # a "Dates:" block with its "Venue:" is an event, whatever it is called
    pytest.param("Dates: 22–24 March 2027\nVenue: Dakar, Senegal", D(2027, 1, 10),
                 [("event", "other", "2027-03-22", "2027-03-24")], id="dates-and-venue"),
]
CASES += [
    # a date moved once more "and now" to another: the first is gone, the second stands
    pytest.param("The court session was moved to 11 March, and now for the third time to 9 April.", D(2027, 1, 20),
                 [("hearing", "hearing", "2027-04-09", None)], id="moved-and-now-again"),
    pytest.param("The hearing was adjourned to 11 March and now again to 9 April 2027.", D(2027, 1, 20),
                 [("hearing", "hearing", "2027-04-09", None)], id="adjourned-and-now-again"),
    pytest.param("L'audience a été renvoyée au 11 mars, et maintenant au 9 avril 2027.", D(2027, 1, 20),
                 [("hearing", "hearing", "2027-04-09", None)], id="renvoyee-et-maintenant"),
]
CASES += [
    # a trial that "began" on a day is reported; the day it "will continue" is announced
    pytest.param("3 марта в Минске начался судебный процесс по делу правозащитника. Процесс продолжится 4 марта.",
                 D(2027, 3, 3), [("hearing", "trial", "2027-03-04", None)], id="ru-began-will-continue"),
    pytest.param("3 сакавіка ў Менску пачаўся судовы працэс у справе праваабаронцы. Працэс працягнецца 4 сакавіка.",
                 D(2027, 3, 3), [("hearing", "trial", "2027-03-04", None)], id="be-began-will-continue"),
]
CASES += [
    # Swedish and Polish deadlines (Danish was read already); "at the latest" after the date; a
    # Dutch and a Polish court putting a hearing off "to" a day (a party's step it is not)
    pytest.param("Ansökan ska vara inne senast den 15 mars 2027.", D(2027, 1, 12),
                 [("deadline", "job", "2027-03-15", None)], id="sv-senast"),
    pytest.param("Sidste frist for ansøgning er den 15. marts 2027.", D(2027, 1, 12),
                 [("deadline", "job", "2027-03-15", None)], id="da-sidste-frist"),
    pytest.param("Termin nadsyłania zgłoszeń upływa 15 marca 2027 r.", D(2027, 1, 12),
                 [("deadline", "registration", "2027-03-15", None)], id="pl-uplywa"),
    pytest.param("Nominations must reach us on the 3rd of March 2027 at the latest.", D(2027, 1, 12),
                 [("deadline", "nomination", "2027-03-03", None)], id="at-the-latest-after"),
    pytest.param("De zitting is uitgesteld tot 2 maart 2027.", D(2027, 1, 12),
                 [("hearing", "hearing", "2027-03-02", None)], id="nl-uitgesteld-tot"),
    pytest.param("Rozprawa została odroczona do 25 lutego 2027 r.", D(2027, 1, 12),
                 [("hearing", "hearing", "2027-02-25", None)], id="pl-odroczona-do"),
]
CASES += [
    # a day as the subject of its sentence, or "is on" a day; a meeting said to last N days has an end
    pytest.param("Thursday sees the start of a two-day webinar on the future of legal aid.", D(2027, 3, 1),
                 [("event", "webinar", "2027-03-04", "2027-03-05")], id="weekday-sees-the-start"),
    pytest.param("The webinar on digital security for journalists is on Thursday.", D(2027, 3, 1),
                 [("event", "webinar", "2027-03-04", None)], id="webinar-is-on-thursday"),
    pytest.param("The network will hold a three-day forum in Kigali on 12 May 2027.", D(2027, 3, 1),
                 [("event", "forum", "2027-05-12", "2027-05-14")], id="three-day-forum"),
    pytest.param("Am 7. Mai 2027 beginnt die zweitägige Konferenz in Berlin.", D(2027, 3, 1),
                 [("event", "conference", "2027-05-07", "2027-05-08")], id="de-zweitaegig"),
    # ... but not the length of something else in the sentence
    pytest.param("The two-day hearing ended on 3 February; the verdict is due on 10 March 2027.", D(2027, 3, 1),
                 [("hearing", "verdict", "2027-03-10", None)], id="two-day-past-hearing-then-verdict"),
    pytest.param("The trial, adjourned after a three-day hearing, resumes on 2 June 2027.", D(2027, 3, 1),
                 [("hearing", "hearing", "2027-06-02", None)], id="three-day-hearing-before"),
    pytest.param("After the two-day visit to Kigali, the rapporteur will present her report on 14 June 2027.", D(2027, 3, 1),
                 [("event", "meeting", "2027-06-14", None)], id="after-a-two-day-visit"),
    # the past and other present tenses stay out
    pytest.param("The hearing was on Thursday, and the judge reserved the ruling.", D(2027, 3, 1), [],
                 id="hearing-was-on-thursday"),
    pytest.param("Friday marked the opening of the festival, which drew 3,000 people.", D(2027, 3, 1), [],
                 id="friday-marked"),
    pytest.param("Our new report is on the website since 12 February.", D(2027, 3, 1), [], id="report-is-on-website"),
]
CASES += [
    # a deadline marker with the hour between it and the day; Italian "entro e non oltre"
    pytest.param("Candidates should submit their application by close of business on 20 March 2027.", D(2027, 3, 1),
                 [("deadline", "job", "2027-03-20", None)], id="by-close-of-business-on"),
    pytest.param("Le candidature devono essere inviate entro e non oltre il 20 aprile 2027.", D(2027, 3, 1),
                 [("deadline", "nomination", "2027-04-20", None)], id="it-entro-e-non-oltre"),
    # Arabic "the door of nominations closes on", with its vowel marks
    pytest.param("ويُقفَل باب الترشيح في 15 أبريل 2027.", D(2027, 3, 1),
                 [("deadline", "nomination", "2027-04-15", None)], id="ar-door-of-nominations-closes"),
    # the deadline noun of one clause is not the next clause's: "; the workshop takes place on"
    pytest.param("The deadline to register for the workshop is 15 April 2027; the workshop takes place on 3 May 2027 in Accra.",
                 D(2027, 3, 1), [("deadline", "registration", "2027-04-15", None), ("event", "workshop", "2027-05-03", None)],
                 id="deadline-clause-then-event-clause"),
    # "Deadline:" alone on its line over the date, as UN call pages lay it out
    pytest.param("Questionnaire on housing and the climate\n\nDeadline:\n19 June 2027\nIssued by:\nThe Special Rapporteur\n",
                 D(2027, 3, 1), [("deadline", "call-for-input", "2027-06-19", None)], id="deadline-label-line-above"),
    # "Registration before … 2027: e-mail" announces a date; it is no dateline of its paragraph
    pytest.param("Hybrid course on the UN system\n\nRegistration before 4st of March 2027: course@example.org;\n", D(2027, 2, 1),
                 [("deadline", "registration", "2027-03-04", None)], id="registration-before-not-a-dateline"),
    # a court calendar's entries that open with their hour ("09.30 - …"), under the day
    pytest.param("Court calendar\n\n14 May 2027, Tuesday\n\n09.30 - The first hearing of the case against the lawyer "
                 "Deniz Kaya will be held at Diyarbakır 5th High Criminal Court.\n\n11.00 - The fourth hearing of the case "
                 "against the reporter Ali Demir will be held at Bitlis 2nd High Criminal Court.\n", D(2027, 5, 10),
                 [("hearing", "hearing", "2027-05-14T09:30+03:00", None), ("hearing", "hearing", "2027-05-14T11:00+03:00", None)],
                 id="court-calendar-hour-entries"),
    # "to be heard on" is the court's date; a clause joined by "while" keeps its own tense
    pytest.param("Mr Adel's case is due to be heard on 12 June 2027, while Ms Salem's was adjourned until 19 June 2027.",
                 D(2027, 5, 30), [("hearing", "hearing", "2027-06-12", None), ("hearing", "hearing", "2027-06-19", None)],
                 id="to-be-heard-while-adjourned"),
    # a trial report's "next session" is the court's
    pytest.param("La audiencia del juicio contra la defensora fue suspendida por la renuncia de su abogado. "
                 "La próxima sesión se ha reprogramado para el 11 de mayo de 2027.", D(2027, 4, 30),
                 [("hearing", "hearing", "2027-05-11", None)], id="es-court-session-is-a-hearing"),
    pytest.param("El Consejo de Derechos Humanos de la ONU celebrará su próxima sesión el 11 de mayo de 2027.", D(2027, 4, 30),
                 [("event", "session", "2027-05-11", None)], id="es-un-session-stays-an-event"),
    # a new court date said without a verb; Portuguese jury trials; an Italian prize "conferito"
    pytest.param("Der Prozess wurde vertagt. Neuer Verhandlungstag ist der 15. Februar 2027.", D(2027, 1, 20),
                 [("hearing", "hearing", "2027-02-15", None)], id="de-neuer-verhandlungstag"),
    pytest.param("A previsão para o novo início do júri é em 5 de dezembro de 2027.", D(2027, 11, 18),
                 [("hearing", "trial", "2027-12-05", None)], id="pt-juri-previsao"),
    pytest.param("Il prossimo premio sarà conferito il 17 gennaio 2028.", D(2027, 10, 1),
                 [("event", "ceremony", "2028-01-17", None)], id="it-premio-conferito"),
    # Brazilian news: the weekday with its day of the month in brackets
    pytest.param("Começa nesta terça-feira (27), em Brasília, o seminário internacional sobre defensores.", D(2027, 4, 26),
                 [("event", "workshop", "2027-04-27", None)], id="pt-weekday-day-in-brackets"),
    # a year of history near a year-less date lends it no year ("the Armistice of 1918" in a 2027 agenda)
    pytest.param("Agenda, November 2027\n\n- Tuesday 9 November at 18:00: Commemoration of the Armistice of 11 November 1918; "
                 "the league invites you to a public meeting.\n", None,
                 [("event", "meeting", "2027-11-09T18:00+00:00", None)], id="history-year-lends-no-year"),
]
CASES += [
    # a calendar of meetings: a line that details an entry stands between its name and its dates
    pytest.param("Calendar of the Palais for 2027\n\nCommittee against Torture, 82nd session\n\nCountries under review: Chad, "
                 "Peru, Norway.\n\n12 April – 7 May\n\nHuman Rights Council, 56th session\n\n14 June – 9 July\n", D(2027, 1, 5),
                 [("event", "session", "2027-04-12", "2027-05-07"), ("event", "session", "2027-06-14", "2027-07-09")],
                 id="calendar-entry-detail-line"),
    # a page's date line may end with its view count ("14.10.2027 1954"): it dates the page
    pytest.param("Deadline for the media prize extended\n\n14.10.2027 1954\n\nEntries for the media prize are now accepted "
                 "until 24 October.\n", None, [("deadline", "other", "2027-10-24", None)], id="date-line-with-view-count"),
]
