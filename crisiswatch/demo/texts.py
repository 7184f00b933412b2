"""What the demo's people write: templates with slots, synonyms, emojis and typos (es-CO and en)."""

from __future__ import annotations

import random
import re

_SLOT = re.compile(r"\{(\w+)\}")
_DEACCENT = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")

SLOTS: dict[str, tuple[str, ...]] = {
    "pos": ("😍", "🙌", "☕", "💚", "🔥", "👏", "🥹", "✨", "❤️", "", "", ""),
    "neg": ("😡", "🤬", "😤", "🙄", "😒", "💸", "😠", "", "", ""),
    "meh": ("🤷‍♀️", "😅", "🫠", "🛵", "", "", ""),
    "minutes": ("15", "20", "25", "18", "menos de 30", "22"),
    "minutes_en": ("15", "20", "25", "under 30", "22"),
    "late": ("40 minutos", "una hora", "hora y media", "50 min", "más de una hora"),
    "late_en": ("40 minutes", "an hour", "over an hour", "45 min"),
    "barrio": ("Laureles", "El Poblado", "Envigado", "Belén", "Robledo", "Bello", "Itagüí", "Sabaneta",
               "La América", "Estadio", "Buenos Aires", "Manila", "Castilla"),
    "coffee": ("Tinto Arriero", "café Tinto Arriero", "tinto Arriero", "Tinto Arriero de la mañana"),
    "item": ("los aguacates", "el pan", "la leche", "los huevos", "las arepas", "el queso", "las bananas",
             "el café", "los tomates", "la mantequilla"),
    "item_en": ("the avocados", "the bread", "the milk", "the eggs", "the arepas", "the cheese", "the coffee"),
    "order": ("#48213", "#47790", "#50122", "#49318", "#51004", "#46652", "#50877"),
    "amount": ("$86.400", "$124.900", "$57.300", "$203.150", "$98.700", "$143.000", "$71.250", "$162.800"),
    "amount_en": ("$86,400 pesos", "124k COP", "about $40 USD", "$57,300 COP", "$98,700 pesos"),
    "pedido": ("el mercado", "el pedido", "el domicilio", "la Canasta Semanal", "el mercado de la semana"),
    "dias": ("3", "5", "8", "12", "15", "más de 10"),
    "hour": ("7 am", "las 8", "mediodía", "las 3 de la tarde", "las 9 am"),
    "wd": ("lunes", "martes", "miércoles", "jueves", "sábado", "domingo"),
    "insult": ("porquería", "basura", "chiste", "vergüenza", "payasada", "desastre"),
}

# ---------------------------------------------------------------- calm days
POS_ES = (
    "{ref} me llegó el mercado en {minutes} minutos, qué chimba {pos}",
    "El {coffee} de {ref} es lo mejor que me ha pasado esta semana {pos}",
    "Parce, pidan el {coffee} de {ref}, no se van a arrepentir {pos}",
    "Gracias {ref}, el domiciliario súper amable y todo llegó perfecto {pos}",
    "Primera vez que pido domicilio en {ref} y quedé encantada {pos}",
    "{ref} salvándome el almuerzo otra vez {pos}",
    "Lo mejor de trabajar desde la casa en {barrio}: el {coffee} de {ref} a {hour} {pos}",
    "Me encanta que {ref} traiga {item} fresquitos y bien empacados {pos}",
    "Ya me volví adicto a CosechaPlus de {ref}, domicilio gratis todo el mes {pos}",
    "Qué nota el servicio de {ref}, pedí a las {hour} y en nada estaba aquí {pos}",
)
NEUTRAL_ES = (
    "{ref} ¿hasta qué hora hacen domicilios en {barrio}?",
    "¿Alguien ha probado CosechaPlus? ¿Sí vale la pena? {meh}",
    "{ref} ¿tienen {item} hoy? en la app no me aparecen",
    "Pidiendo mercado en {ref} porque no me dan ganas de salir {meh}",
    "¿{ref} hace domicilios hasta {barrio}? pregunto por una amiga",
    "Hoy toca {coffee} y trabajo, así es la vida {meh}",
    "{ref} ¿cómo cambio la dirección de un pedido que ya hice?",
    "¿Alguien tiene código de descuento de {ref}? {meh}",
    "Viernes de mercado con {ref} y a ver qué llega {meh}",
    "{ref} ¿aceptan pago con Nequi?",
)
COMPLAINT_ES = (
    "{ref} mi pedido lleva {late} de retraso, ¿qué pasó? {neg}",
    "{ref} me llegó el pedido pero faltó {item} 😕",
    "{ref} la app se me cierra cada vez que intento pagar {neg}",
    "{ref} pedí {item} y me mandaron otra cosa, ¿cómo hago el cambio?",
    "Uy {ref}, el tinto llegó frío hoy 😒",
    "{ref} el domiciliario no encontraba la dirección y se demoró {late}",
    "{ref} no me aplicó el cupón en el pedido {order} {neg}",
    "{ref} {item} llegaron machucados, qué pena pero así no",
)
POS_EN = (
    "{ref} best coffee delivery in Medellín, hands down {pos}",
    "Ordered groceries from {ref} and they showed up in {minutes_en} min. Impressed {pos}",
    "Living in {barrio} and {ref} is a lifesaver {pos}",
    "Tinto Arriero from {ref} every morning, no regrets {pos}",
)
NEUTRAL_EN = (
    "{ref} do you deliver to {barrio}?",
    "Anyone tried CosechaPlus? Worth it for a month in Medellín? {meh}",
    "{ref} what time do you stop delivering today?",
    "Ordering from {ref} again because it's raining {meh}",
)
COMPLAINT_EN = (
    "{ref} my order is {late_en} late, any update? {neg}",
    "{ref} {item_en} were missing from my order today",
    "{ref} the app keeps crashing at checkout {neg}",
    "{ref} coffee arrived cold today, not great {neg}",
)
PROMOS_ES = (
    "☕ Arranca el día con Tinto Arriero: 2x1 hasta las 10 am en toda Medellín. Pide ya en la app 📲 #CosechaYa",
    "Almuerzo resuelto 🥑 Domicilio gratis en pedidos de mercado desde $60.000 hoy. #CosechaYa",
    "Con CosechaPlus tus domicilios no cuestan nada todo el mes 💚 Pruébalo 15 días gratis.",
    "¿Lluvia en Medellín? Nosotros llevamos el mercado 🌧️🛵 #CosechaYa",
    "Nuevo en la app: arepas de chócolo recién hechas 🌽 a domicilio en 30 min. #CosechaYa",
    "Canasta Semanal con fruta de Santa Elena 🍓 pídela antes del jueves. #CosechaYa",
    "Medellín expats: groceries and Tinto Arriero delivered in 30 min ☕🛵 #CosechaYa",
)
BRAND_REPLY = {
    ("es", "complaint"): (
        "Hola {first}, qué pena contigo 🙏 Ya revisamos tu pedido y te escribimos por DM para solucionarlo. — Equipo Cosecha Ya",
        "{first}, lamentamos mucho lo ocurrido. Te enviamos un mensaje directo con la solución 💚",
        "Hola {first}, tienes toda la razón. Ya le pedimos al equipo de logística que lo revise y te contamos por DM 🙏",
    ),
    ("es", "question"): (
        "¡Hola {first}! Hacemos domicilios de 6 am a 11 pm en toda el área metropolitana 💚",
        "Hola {first} 👋 Sí, claro. Cualquier cosa nos escribes por DM y te ayudamos.",
    ),
    ("es", "praise"): ("¡Gracias {first}! Nos alegras el día 💚☕", "¡Qué alegría leerte, {first}! 🙌"),
    ("en", "complaint"): ("Hi {first}, so sorry about that 🙏 We've sent you a DM to sort it out. — Team Cosecha Ya",),
    ("en", "question"): ("Hi {first}! We deliver 6 am to 11 pm across Medellín's metro area 💚",),
    ("en", "praise"): ("Thanks so much, {first}! ☕💚",),
}

# ---------------------------------------------------------------- the viral post and the troll
VIRAL_TEXT = (
    "Anoche pedí a @CosechaYa en pleno aguacero y el domiciliario llegó empapado pero con el tinto calientico "
    "y una notica que decía 'que tenga bonita noche' 🥹☕ Qué chimba de servicio, parce. Denle una prima a Don Jairo 💚"
)
VIRAL_QUOTES = (
    "Esto es servicio al cliente de verdad 👏 #CosechaYa",
    "Don Jairo merece un aumento YA {pos} #CosechaYa",
    "Por esto le soy fiel a Cosecha Ya {pos}",
    "Qué cosa tan bonita {pos} así da gusto pedir en Cosecha Ya",
    "This is how you do customer service {pos} #CosechaYa",
)
VIRAL_REPLIES = (
    "qué belleza {pos}", "a mí también me ha tocado Don Jairo, es un amor {pos}", "así da gusto pedir {pos}",
    "Don Jairo para presidente 😂🙌", "lloré un poquito no les voy a mentir 🥹", "love this {pos}",
)
TROLL = (
    "@CosechaYa son una {insult} de empresa {neg}",
    "@CosechaYa ladrones, todos ustedes",
    "Nadie debería pedirle nada a @CosechaYa, {insult} de app",
    "@CosechaYa ¿cuánto le pagan a la gente para que hable bien de ustedes? payasos 🤡",
    "@CosechaYa el peor café de Colombia y el peor servicio del mundo 🤮",
    "@CosechaYa cierren eso, no sirven para nada {neg}",
    "Otra vez yo @CosechaYa. No me voy a cansar. Son un {insult}",
    "@CosechaYa estafadores de quinta 🤡🤡",
    "@CosechaYa respondan cobardes {neg}",
    "@CosechaYa qué {insult} de marca, ojalá quiebren",
    "@CosechaYa {neg}{neg} {insult} {insult}",
)

# ---------------------------------------------------------------- the crisis
PZ_EARLIER = (
    "@CosechaYa hola, me cobraron dos veces el pedido #50388 ($186.400) y el mercado nunca me llegó. ¿Me ayudan por favor?",
    "@CosechaYa van más de 3 horas y nada. La app dice 'entregado' pero aquí no ha llegado nada, y la plata sí salió DOS veces.",
    "@CosechaYa ¿alguien lee esto? Escribí por el chat de la app y me cerraron el caso sin respuesta 😞",
    "Tercera vez que le escribo a @CosechaYa. Cero respuesta. $186.400 cobrados dos veces y sin mercado en la nevera.",
    "@CosechaYa ya es de noche y sigo sin mercado y sin mi plata. Mañana cuento todo.",
)
PZ_THREAD = (
    "HILO 🧵 Cómo @CosechaYa me cobró DOS veces un mercado que nunca llegó y lleva {hours} horas ignorándome. 1/4",
    "Ayer a las 7 am pedí mercado (pedido #50388, $186.400). Me llegaron dos cobros a la tarjeta. El pedido aparece 'entregado' "
    "pero nadie vino; el portero tampoco recibió nada. 2/4",
    "Les escribí 5 veces por acá, por el chat y al correo. Me contestan a todo el mundo menos a mí. El chat de la app me cerró "
    "el caso solo. 3/4",
    "Esa plata era el mercado de la quincena. Si les pasó algo parecido, cuéntenlo. No puede ser que nadie "
    "responda. 4/4",
)
PZ_UPDATES = (
    "Gracias a todos los que han compartido 🙏 Somos cientos con el mismo problema y @CosechaYa sigue sin decir nada.",
    "Actualización: {hours} horas y @CosechaYa no me ha respondido. Ya radiqué la queja ante la Superintendencia de Industria y Comercio.",
)
INFLUENCER_TEXT = (
    "Esto es grave. @CosechaYa cobra doble, marca pedidos como entregados que nunca llegan y lleva más de un día sin "
    "responderle a una clienta. Ya me han escrito decenas de personas con lo mismo. ¿Qué dice la Superintendencia?"
)
EXPAT_TEXT = (
    "Heads up Medellín expats: lots of reports that @CosechaYa is double-charging cards and marking orders as delivered "
    "that never arrive. Check your statements."
)
STORY_ES = (
    "@CosechaYa a mí también me cobraron doble {pedido} y nunca llegó. {amount} que no me han devuelto {neg}",
    "Lo de @{pz} no es un caso aislado: el {wd} pedí a @CosechaYa, cobro duplicado y pedido 'entregado' que nunca vi. #BoicotCosechaYa",
    "Esto es una estafa. @CosechaYa {amount} cobrados y cero mercado. Ya puse la queja en la Superintendencia {neg}",
    "Voy a poner una demanda a @CosechaYa. {dias} días esperando el reembolso de {pedido} {neg}",
    "Borrando la app de Cosecha Ya ya mismo. Me cobraron dos veces {amount} y no responden. #BoicotCosechaYa",
    "@CosechaYa me pasó igualito: {pedido} 'entregado' y nadie llegó. Exijo mi plata {neg}",
    "Yo pensé que era la única. @CosechaYa me cobró {amount} dos veces el {wd} y el chat me cerró el caso {neg}",
    "@CosechaYa ladrones. Cobro doble y pedido fantasma. Nos vemos en la SIC {neg} #BoicotCosechaYa",
)
STORY_EN = (
    "@CosechaYa charged me twice and my order never showed up. This is a scam {neg}",
    "Same thing happened to me with @CosechaYa in Medellín: double charge, order 'delivered', nothing arrived. #BoicotCosechaYa",
    "@CosechaYa I've been waiting {dias} days for a refund of {amount_en}. Considering a lawsuit at this point {neg}",
    "Boycott @CosechaYa. Double charges and zero answers from them.",
)
REPLY_STORY_ES = (
    "uff igual me pasó la semana pasada, me cobraron 2 veces {neg}",
    "a mí me pasó lo mismo con {pedido}, {amount} perdidos {neg}",
    "somos muchos, a mí me tienen {dias} días esperando el reembolso",
    "igualito, pedido 'entregado' y nunca llegó. estafa {neg}",
)
REPLY_SUPPORT_ES = (
    "fuerza Vale, que te devuelvan esa plata 💪", "pon la queja en la SIC, a mí así me devolvieron",
    "qué vergüenza que no respondan {neg}", "compartiendo para que les den visibilidad",
    "y siguen publicando promos como si nada 🙄", "boicot ya #BoicotCosechaYa",
)
REPLY_STORY_EN = ("same happened to me last month, double charge {neg}", "me too, order marked delivered and never came {neg}")
REPLY_SUPPORT_EN = ("unacceptable, hope you get your money back", "this is a scam, sharing {neg}")
QUOTE_STORY_ES = (
    "Me pasó EXACTAMENTE lo mismo con @CosechaYa 👇 {neg}",
    "A mí también @CosechaYa. {amount} y el pedido nunca llegó.",
    "Igualito me pasó el {wd} con @CosechaYa, cobro doble y ni una respuesta {neg}",
)
QUOTE_OUTRAGE_ES = (
    "Y @CosechaYa sin responder nada. Qué vergüenza {neg}",
    "Lean este hilo antes de pedirle algo a Cosecha Ya. Estafa. #BoicotCosechaYa",
    "Cobrar doble y no contestar. @CosechaYa esto es una vergüenza {neg}",
)
QUOTE_STORY_EN = ("This happened to me too with @CosechaYa {neg}",)
QUOTE_OUTRAGE_EN = ("Read this before ordering from @CosechaYa. Boycott.",)

# ---------------------------------------------------------------- the marketing misunderstanding
MARKETING_TEXT = (
    "¿Quincena lejos y la nevera con puro eco? 🙃 Tranqui, en Cosecha Ya no juzgamos… bueno, un poquito 😏 "
    "Canasta Semanal con HASTA 40% OFF* 🛒 #CosechaYa #SinPlataPeroConTinto\n*En productos seleccionados"
)
MKT_MOCK_ES = (
    "¿Se burlan de la gente que no tiene plata para mercar? Qué clasistas {neg}",
    "'no juzgamos… bueno, un poquito' 🙄 burlarse de los clientes pelados es su estrategia?",
    "Qué falta de empatía, hay gente que de verdad no tiene para el mercado {neg}",
    "El community manager de Cosecha Ya se cree muy chistoso burlándose de los pobres {neg}",
    "Nos están diciendo pobres en la cara y encima pagamos domicilio {neg}",
    "Burlarse de la nevera vacía de sus clientes. Qué asco de publicidad {neg}",
)
MKT_FAKE_ES = (
    "HASTA 40% y resulta que es en 3 productos. Publicidad engañosa {neg}",
    "Ese 40% OFF es mentira, subieron los precios antes {neg}",
    "Revisé la canasta y el descuento no aparece por ningún lado. Publicidad engañosa",
)
MKT_MOCK_EN = ("In what world is mocking broke customers a marketing strategy? {neg}",
               "'We don't judge... well, a little' — imagine mocking people who can't afford groceries {neg}")
MKT_OTHER = ("jajaja el CM de Cosecha Ya está on fire 😂", "es un chiste gente, relájense 🙄",
             "yo sí me reí, la nevera con puro eco soy yo 😂", "no veo el problema, es humor")


def fill(rng: random.Random, template: str, fixed: dict[str, str] | None = None) -> str:
    """Fill every {slot}: fixed values first, else a random choice from SLOTS."""
    def pick(m: re.Match[str]) -> str:
        name = m.group(1)
        if fixed and name in fixed:
            return fixed[name]
        return rng.choice(SLOTS[name])

    return " ".join(_SLOT.sub(pick, template).split())


def roughen(rng: random.Random, text: str, p: float = 0.3) -> str:
    """Typos people make: dropped accents, stretched vowels, 'q' for 'que', no final stop."""
    if rng.random() >= p:
        return text
    how = rng.randrange(5)
    if how == 0:
        return text.translate(_DEACCENT)
    if how == 1:
        return re.sub(r"\bque\b", "q", text.replace("también", "tmb"))
    if how == 2:
        words = text.split(" ")
        spots = [i for i, w in enumerate(words) if w[-1:] in "aeiou" and w[:1] not in "@#h" and len(w) > 1
                 and "osech" not in w]  # the brand's name stays searchable
        if spots:
            i = rng.choice(spots)
            words[i] += words[i][-1] * 2
        return " ".join(words)
    if how == 3:
        return text.rstrip(".!?")
    return text.replace(" por ", " x ").replace(" porque ", " xq ")
