"""The words of a report around the bank's own texts, in each interface language. Pure.

Bank texts come in the bank's languages; these headers and labels come in the twelve languages
of the pages (static/i18n), and in English for any other language a bank may have."""

from __future__ import annotations

FALLBACK = "en"

# One "key: text" a line, per language; parsed once at import.
_CATALOGUES = {
    "en": """
report: Results report
summary: Summary
answers: Answers
session: Session
bank: Question bank
date: Date
participants: Participants
question: Question
question_id: Question id
type: Type
responses: Responses
headline: Headline figure
item: Item
count: Count
share: Share
answer: Answer
language: Language
minute: Time (UTC)
status: Moderation
mean: Mean
median: Median
minimum: Minimum
maximum: Maximum
most_chosen: Most chosen
top_word: Most frequent word
top_ranked: Ranked highest
approved_answers: Approved answers
no_answers: No answers
word_cloud: Word cloud
correct: Correct answer
points: Points
mean_rank: Mean rank
right_answers: Right answers
mean_points: Mean points
answered_right: Answered right
type_single: Single choice
type_multiple: Multiple choice
type_scale: Scale
type_number: Number
type_wordcloud: Word cloud
type_text: Open text
type_ranking: Ranking
status_pending: Pending
status_approved: Approved
status_hidden: Hidden
group: Group
segment: Segment
breakdowns: Breakdowns by group
other_group: Other
qna: Questions from the room
votes: Votes
pinned: Pinned
status_answered: Answered
""",
    "ru": """
report: Отчёт о результатах
summary: Сводка
answers: Ответы
session: Сессия
bank: Банк вопросов
date: Дата
participants: Участники
question: Вопрос
question_id: Код вопроса
type: Тип
responses: Ответов
headline: Главный показатель
item: Вариант
count: Число
share: Доля
answer: Ответ
language: Язык
minute: Время (UTC)
status: Модерация
mean: Среднее
median: Медиана
minimum: Минимум
maximum: Максимум
most_chosen: Чаще всего выбирали
top_word: Самое частое слово
top_ranked: На первом месте
approved_answers: Одобренные ответы
no_answers: Ответов нет
word_cloud: Облако слов
correct: Правильный ответ
points: Баллы
mean_rank: Средний ранг
right_answers: Правильных ответов
mean_points: Средний балл
answered_right: Ответ верный
type_single: Один вариант
type_multiple: Несколько вариантов
type_scale: Шкала
type_number: Число
type_wordcloud: Облако слов
type_text: Свободный текст
type_ranking: Ранжирование
status_pending: Ожидает
status_approved: Одобрен
status_hidden: Скрыт
group: Группа
segment: Признак группы
breakdowns: Разбивка по группам
other_group: Другие
qna: Вопросы из зала
votes: Голоса
pinned: Закреплён
status_answered: Отвечен
""",
    "uk": """
report: Звіт про результати
summary: Зведення
answers: Відповіді
session: Сесія
bank: Банк питань
date: Дата
participants: Учасники
question: Питання
question_id: Код питання
type: Тип
responses: Відповідей
headline: Головний показник
item: Варіант
count: Кількість
share: Частка
answer: Відповідь
language: Мова
minute: Час (UTC)
status: Модерація
mean: Середнє
median: Медіана
minimum: Мінімум
maximum: Максимум
most_chosen: Найчастіше обирали
top_word: Найчастіше слово
top_ranked: На першому місці
approved_answers: Схвалені відповіді
no_answers: Відповідей немає
word_cloud: Хмара слів
correct: Правильна відповідь
points: Бали
mean_rank: Середній ранг
right_answers: Правильних відповідей
mean_points: Середній бал
answered_right: Відповідь правильна
type_single: Один варіант
type_multiple: Кілька варіантів
type_scale: Шкала
type_number: Число
type_wordcloud: Хмара слів
type_text: Вільний текст
type_ranking: Ранжування
status_pending: Очікує
status_approved: Схвалено
status_hidden: Приховано
group: Група
segment: Ознака групи
breakdowns: Розподіл за групами
other_group: Інші
qna: Запитання із зали
votes: Голоси
pinned: Закріплене
status_answered: З відповіддю
""",
    "fr": """
report: Rapport des résultats
summary: Synthèse
answers: Réponses
session: Séance
bank: Banque de questions
date: Date
participants: Participants
question: Question
question_id: Identifiant de la question
type: Type
responses: Réponses reçues
headline: Chiffre clé
item: Élément
count: Nombre
share: Part
answer: Réponse
language: Langue
minute: Heure (UTC)
status: Modération
mean: Moyenne
median: Médiane
minimum: Minimum
maximum: Maximum
most_chosen: Le plus choisi
top_word: Mot le plus fréquent
top_ranked: Classé premier
approved_answers: Réponses approuvées
no_answers: Aucune réponse
word_cloud: Nuage de mots
correct: Bonne réponse
points: Points
mean_rank: Rang moyen
right_answers: Bonnes réponses
mean_points: Points moyens
answered_right: Bonne réponse donnée
type_single: Choix unique
type_multiple: Choix multiple
type_scale: Échelle
type_number: Nombre
type_wordcloud: Nuage de mots
type_text: Texte libre
type_ranking: Classement
status_pending: En attente
status_approved: Approuvée
status_hidden: Masquée
group: Groupe
segment: Critère de regroupement
breakdowns: Ventilation par groupe
other_group: Autres
qna: Questions de la salle
votes: Votes
pinned: Épinglée
status_answered: Répondue
""",
    "de": """
report: Ergebnisbericht
summary: Übersicht
answers: Antworten
session: Sitzung
bank: Fragenkatalog
date: Datum
participants: Teilnehmende
question: Frage
question_id: Fragen-ID
type: Art
responses: Antworten erhalten
headline: Kennzahl
item: Eintrag
count: Anzahl
share: Anteil
answer: Antwort
language: Sprache
minute: Uhrzeit (UTC)
status: Moderation
mean: Mittelwert
median: Median
minimum: Kleinster Wert
maximum: Größter Wert
most_chosen: Am häufigsten gewählt
top_word: Häufigstes Wort
top_ranked: Am höchsten eingestuft
approved_answers: Freigegebene Antworten
no_answers: Keine Antworten
word_cloud: Wortwolke
correct: Richtige Antwort
points: Punkte
mean_rank: Mittlerer Rang
right_answers: Richtige Antworten
mean_points: Mittlere Punktzahl
answered_right: Richtig beantwortet
type_single: Einfachauswahl
type_multiple: Mehrfachauswahl
type_scale: Skala
type_number: Zahl
type_wordcloud: Wortwolke
type_text: Freitext
type_ranking: Rangfolge
status_pending: Offen
status_approved: Freigegeben
status_hidden: Ausgeblendet
group: Gruppe
segment: Gruppierung
breakdowns: Aufschlüsselung nach Gruppen
other_group: Andere
qna: Fragen aus dem Publikum
votes: Stimmen
pinned: Angeheftet
status_answered: Beantwortet
""",
    "es": """
report: Informe de resultados
summary: Resumen
answers: Respuestas
session: Sesión
bank: Banco de preguntas
date: Fecha
participants: Participantes
question: Pregunta
question_id: Identificador de la pregunta
type: Tipo
responses: Respuestas recibidas
headline: Cifra clave
item: Elemento
count: Cantidad
share: Proporción
answer: Respuesta
language: Idioma
minute: Hora (UTC)
status: Moderación
mean: Media
median: Mediana
minimum: Mínimo
maximum: Máximo
most_chosen: Lo más elegido
top_word: Palabra más frecuente
top_ranked: Mejor clasificado
approved_answers: Respuestas aprobadas
no_answers: Sin respuestas
word_cloud: Nube de palabras
correct: Respuesta correcta
points: Puntos
mean_rank: Posición media
right_answers: Respuestas correctas
mean_points: Puntos medios
answered_right: Respondida correctamente
type_single: Opción única
type_multiple: Opción múltiple
type_scale: Escala
type_number: Número
type_wordcloud: Nube de palabras
type_text: Texto libre
type_ranking: Clasificación
status_pending: Pendiente
status_approved: Aprobada
status_hidden: Oculta
group: Grupo
segment: Criterio de agrupación
breakdowns: Desglose por grupos
other_group: Otros
qna: Preguntas de la sala
votes: Votos
pinned: Fijada
status_answered: Respondida
""",
    "it": """
report: Rapporto dei risultati
summary: Riepilogo
answers: Risposte
session: Sessione
bank: Banca di domande
date: Data
participants: Partecipanti
question: Domanda
question_id: Codice della domanda
type: Tipo
responses: Risposte ricevute
headline: Dato principale
item: Voce
count: Numero
share: Quota
answer: Risposta
language: Lingua
minute: Ora (UTC)
status: Moderazione
mean: Media
median: Mediana
minimum: Minimo
maximum: Massimo
most_chosen: La più scelta
top_word: Parola più frequente
top_ranked: Classificata prima
approved_answers: Risposte approvate
no_answers: Nessuna risposta
word_cloud: Nuvola di parole
correct: Risposta corretta
points: Punti
mean_rank: Posizione media
right_answers: Risposte corrette
mean_points: Punti medi
answered_right: Risposta corretta data
type_single: Scelta singola
type_multiple: Scelta multipla
type_scale: Scala
type_number: Numero
type_wordcloud: Nuvola di parole
type_text: Testo libero
type_ranking: Classifica
status_pending: In attesa
status_approved: Approvata
status_hidden: Nascosta
group: Gruppo
segment: Criterio di raggruppamento
breakdowns: Ripartizione per gruppi
other_group: Altri
qna: Domande dalla sala
votes: Voti
pinned: Fissata
status_answered: Con risposta
""",
    "ar": """
report: تقرير النتائج
summary: الملخص
answers: الإجابات
session: الجلسة
bank: بنك الأسئلة
date: التاريخ
participants: المشاركون
question: السؤال
question_id: معرّف السؤال
type: النوع
responses: الإجابات الواردة
headline: الرقم الرئيسي
item: البند
count: العدد
share: النسبة
answer: الإجابة
language: اللغة
minute: الوقت (UTC)
status: الإشراف
mean: المتوسط
median: الوسيط
minimum: الحد الأدنى
maximum: الحد الأقصى
most_chosen: الأكثر اختيارًا
top_word: الكلمة الأكثر تكرارًا
top_ranked: الأعلى ترتيبًا
approved_answers: الإجابات المعتمدة
no_answers: لا توجد إجابات
word_cloud: سحابة الكلمات
correct: الإجابة الصحيحة
points: النقاط
mean_rank: متوسط الترتيب
right_answers: الإجابات الصحيحة
mean_points: متوسط النقاط
answered_right: أجاب إجابة صحيحة
type_single: اختيار واحد
type_multiple: اختيار متعدد
type_scale: مقياس
type_number: رقم
type_wordcloud: سحابة كلمات
type_text: نص حر
type_ranking: ترتيب
status_pending: قيد الانتظار
status_approved: معتمدة
status_hidden: مخفية
group: المجموعة
segment: معيار التجميع
breakdowns: التوزيع حسب المجموعات
other_group: أخرى
qna: أسئلة الحاضرين
votes: الأصوات
pinned: مثبّت
status_answered: تمت الإجابة
""",
    "sr-Latn": """
report: Izveštaj o rezultatima
summary: Pregled
answers: Odgovori
session: Sesija
bank: Banka pitanja
date: Datum
participants: Učesnici
question: Pitanje
question_id: Oznaka pitanja
type: Vrsta
responses: Primljeni odgovori
headline: Ključni pokazatelj
item: Stavka
count: Broj
share: Udeo
answer: Odgovor
language: Jezik
minute: Vreme (UTC)
status: Moderacija
mean: Prosek
median: Medijana
minimum: Najmanje
maximum: Najviše
most_chosen: Najčešće biran
top_word: Najčešća reč
top_ranked: Najviše rangiran
approved_answers: Odobreni odgovori
no_answers: Nema odgovora
word_cloud: Oblak reči
correct: Tačan odgovor
points: Poeni
mean_rank: Prosečan rang
right_answers: Tačni odgovori
mean_points: Prosečni poeni
answered_right: Tačno odgovoreno
type_single: Jedan izbor
type_multiple: Više izbora
type_scale: Skala
type_number: Broj
type_wordcloud: Oblak reči
type_text: Slobodan tekst
type_ranking: Rangiranje
status_pending: Na čekanju
status_approved: Odobren
status_hidden: Sakriven
group: Grupa
segment: Podela
breakdowns: Raščlanjavanje po grupama
other_group: Ostali
qna: Pitanja iz sale
votes: Glasovi
pinned: Zakačeno
status_answered: Odgovoreno
""",
    "sq": """
report: Raporti i rezultateve
summary: Përmbledhje
answers: Përgjigjet
session: Seanca
bank: Banka e pyetjeve
date: Data
participants: Pjesëmarrësit
question: Pyetja
question_id: Identifikuesi i pyetjes
type: Lloji
responses: Përgjigje të marra
headline: Shifra kryesore
item: Elementi
count: Numri
share: Pjesa
answer: Përgjigjja
language: Gjuha
minute: Ora (UTC)
status: Moderimi
mean: Mesatarja
median: Mediana
minimum: Minimumi
maximum: Maksimumi
most_chosen: Më e zgjedhura
top_word: Fjala më e shpeshtë
top_ranked: Renditur më lart
approved_answers: Përgjigjet e miratuara
no_answers: Asnjë përgjigje
word_cloud: Re fjalësh
correct: Përgjigjja e saktë
points: Pikë
mean_rank: Renditja mesatare
right_answers: Përgjigje të sakta
mean_points: Pikë mesatare
answered_right: U përgjigj saktë
type_single: Zgjedhje e vetme
type_multiple: Zgjedhje e shumëfishtë
type_scale: Shkallë
type_number: Numër
type_wordcloud: Re fjalësh
type_text: Tekst i lirë
type_ranking: Renditje
status_pending: Në pritje
status_approved: E miratuar
status_hidden: E fshehur
group: Grupi
segment: Kriteri i grupimit
breakdowns: Ndarja sipas grupeve
other_group: Të tjerë
qna: Pyetje nga salla
votes: Vota
pinned: E ngulur
status_answered: E përgjigjur
""",
    "mk": """
report: Извештај за резултатите
summary: Преглед
answers: Одговори
session: Сесија
bank: Банка на прашања
date: Датум
participants: Учесници
question: Прашање
question_id: Ознака на прашањето
type: Вид
responses: Примени одговори
headline: Клучен показател
item: Ставка
count: Број
share: Удел
answer: Одговор
language: Јазик
minute: Време (UTC)
status: Модерација
mean: Просек
median: Медијана
minimum: Најмалку
maximum: Најмногу
most_chosen: Најчесто избрано
top_word: Најчест збор
top_ranked: Највисоко рангирано
approved_answers: Одобрени одговори
no_answers: Нема одговори
word_cloud: Облак од зборови
correct: Точен одговор
points: Поени
mean_rank: Просечен ранг
right_answers: Точни одговори
mean_points: Просечни поени
answered_right: Точно одговорено
type_single: Еден избор
type_multiple: Повеќе избори
type_scale: Скала
type_number: Број
type_wordcloud: Облак од зборови
type_text: Слободен текст
type_ranking: Рангирање
status_pending: Чека
status_approved: Одобрен
status_hidden: Скриен
group: Група
segment: Критериум за групирање
breakdowns: Распределба по групи
other_group: Други
qna: Прашања од салата
votes: Гласови
pinned: Закачено
status_answered: Одговорено
""",
    "tr": """
report: Sonuç raporu
summary: Özet
answers: Yanıtlar
session: Oturum
bank: Soru bankası
date: Tarih
participants: Katılımcılar
question: Soru
question_id: Soru kimliği
type: Tür
responses: Alınan yanıtlar
headline: Öne çıkan sonuç
item: Öğe
count: Sayı
share: Oran
answer: Yanıt
language: Dil
minute: Saat (UTC)
status: Denetim
mean: Ortalama
median: Ortanca
minimum: En küçük
maximum: En büyük
most_chosen: En çok seçilen
top_word: En sık kelime
top_ranked: En üst sırada
approved_answers: Onaylanan yanıtlar
no_answers: Yanıt yok
word_cloud: Kelime bulutu
correct: Doğru yanıt
points: Puan
mean_rank: Ortalama sıra
right_answers: Doğru yanıtlar
mean_points: Ortalama puan
answered_right: Doğru yanıtlandı
type_single: Tek seçim
type_multiple: Çoklu seçim
type_scale: Ölçek
type_number: Sayı
type_wordcloud: Kelime bulutu
type_text: Serbest metin
type_ranking: Sıralama
status_pending: Beklemede
status_approved: Onaylandı
status_hidden: Gizlendi
group: Grup
segment: Gruplama ölçütü
breakdowns: Gruplara göre dağılım
other_group: Diğer
qna: Salondan sorular
votes: Oylar
pinned: Sabitlendi
status_answered: Yanıtlandı
""",
}


def _parse(block: str) -> dict[str, str]:
    pairs = (line.split(": ", 1) for line in block.strip().splitlines())
    return {key: text for key, text in pairs}


CATALOGUES: dict[str, dict[str, str]] = {code: _parse(block) for code, block in _CATALOGUES.items()}
LANGUAGES = tuple(CATALOGUES)
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})


class Labels:
    """The report's words in one language, English where that language has none."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._own = CATALOGUES.get(lang, CATALOGUES[FALLBACK])

    def __call__(self, key: str) -> str:
        """The label `key`; an unknown key (a type or status newer than this catalogue) is
        shown as itself rather than lost."""
        found = self._own.get(key) or CATALOGUES[FALLBACK].get(key)
        if found:
            return found
        return key.partition("_")[2] if key.startswith(("type_", "status_")) else key

    @property
    def direction(self) -> str:
        """`rtl` for a language written right to left, else `ltr`."""
        return "rtl" if self.lang.split("-")[0] in RIGHT_TO_LEFT else "ltr"
