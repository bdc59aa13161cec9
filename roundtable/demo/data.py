"""The made-up people and places of the demo (see the seed_demo command). Names are chosen names;
nobody here is described by their work, because nobody in Roundtable is."""

from roundtable.bookings.services import AccessNeedsAnswer

# fmt: off
FIRST_NAMES = [
    "Amara", "Bex", "Chidi", "Dev", "Eilidh", "Fatima", "Gareth", "Hana", "Ifeoma", "Jay", "Kofi", "Leila",
    "Marek", "Nia", "Oisín", "Priya", "Quinn", "Rosa", "Sunil", "Tamsin", "Uche", "Vik", "Wren", "Xander",
    "Yasmin", "Zainab", "Aled", "Bronwen", "Callum", "Dolores", "Efe", "Frankie", "Grace", "Hamza", "Isla",
    "Jonah", "Kezia", "Luca", "Mo", "Noor", "Olu", "Pat", "Rafa", "Saoirse", "Tariq", "Ursula", "Vivienne",
    "Winston", "Yusuf", "Zofia", "Abdi", "Beatriz", "Ciarán", "Delroy", "Esther", "Femi", "Gwen", "Harpreet",
    "Ines", "Joel", "Kamala", "Lowri", "Mihai", "Nadia", "Obi", "Paulette", "Rhys", "Shira", "Tomasz", "Ama",
    "Bilal", "Carys", "Dami", "Elif", "Fionn", "Giulia", "Hugo", "Ivy", "Jules", "Kwame",
]
# fmt: on
# fmt: off
FAMILY_NAMES = [
    "Adebayo", "Begum", "Campbell", "Davies", "Evans", "Fernandes", "Gallagher", "Hussain", "Iqbal", "Jones",
    "Kowalski", "Lewis", "Mensah", "Nowak", "O'Brien", "Patel", "Quaye", "Robinson", "Singh", "Thomas", "Ude",
    "Varga", "Williams", "Xu", "Yilmaz", "Zhang",
]
# fmt: on
PRONOUNS = ["she/her", "he/him", "they/them", "she/they", "he/they"]
# fmt: off
INTERESTS = [
    "mental health", "living with diabetes", "carers' rights", "arts and crafts", "data and privacy",
    "young people's health", "gardening", "dementia", "maternity care", "research ethics", "long COVID",
    "sickle cell", "community radio", "cooking", "walking groups", "accessible design", "digital inclusion",
]
# fmt: on
PERSPECTIVES = ["lived_experience", "carer", "researcher", "student", "community_member", "other"]
# (the kinds ticked, the details written): five, as before, so the seeded draw stays the same.
DIETARY: list[tuple[list[str], str]] = [
    (["vegetarian"], ""),
    (["halal"], ""),
    (["gluten_free"], "Coeliac, so nothing toasted alongside ordinary bread, please"),
    (["nut_allergy"], "Peanuts and tree nuts; I carry an adrenaline pen"),
    (["vegan", "other"], "No mushrooms either"),
]
HEARD_ABOUT = ["A friend", "The Centre's newsletter", "My GP surgery", "Library noticeboard", "Social media"]
ACCESS_NEEDS = [
    AccessNeedsAnswer(needs=["step_free", "accessible_toilet"], details="I use a power chair.", consent=True),
    AccessNeedsAnswer(needs=["hearing_loop"], details="Please face me when speaking.", consent=True),
    AccessNeedsAnswer(needs=["regular_breaks", "quiet_space"], consent=True, keep_on_file=True),
    AccessNeedsAnswer(needs=["large_print"], consent=True),
    AccessNeedsAnswer(needs=["bsl"], details="I will need an interpreter for the whole session.", consent=True),
    AccessNeedsAnswer(needs=["assistance_dog"], details="My guide dog, Pepper, comes with me.", consent=True),
    AccessNeedsAnswer(needs=["carer"], details="My daughter will come with me.", consent=True),
    AccessNeedsAnswer(needs=["travel"], details="Help booking a taxi would be great.", consent=True),
    AccessNeedsAnswer(prefer_not_to_say=True, consent=True),
]

VENUES = [
    {
        "name": "Kingsway Community Hall",
        "address": "12 Kingsway\nLondon",
        "postcode": "WC2B 6AA",
        "step_free": "yes",
        "step_free_note": "Level entrance from the street, automatic doors.",
        "accessible_toilet": "yes",
        "accessible_toilet_note": "On the same floor, with a changing bench.",
        "hearing_loop": "yes",
        "quiet_space": "yes",
        "quiet_space_note": "The side room is kept free all day.",
        "seating": "Chairs with and without arms; sofas in the side room.",
        "lighting": "Daylight with blinds; lights can be dimmed.",
        "nearest_station": "Holborn (Central and Piccadilly lines), 4 minutes on level ground. Holborn has no step-free access.",
        "nearest_bus": "Routes 59, 68, 91, 168, 171 and 188 stop outside.",
        "parking": "Two Blue Badge bays at the front; call us to reserve one.",
        "food_and_drink": "Hot lunch and drinks. Tell us what you need and we will plan for it.",
    },
    {
        "name": "Riverside Library, Meeting Room 2",
        "address": "3 Wharf Road\nLondon",
        "postcode": "SE1 9PX",
        "step_free": "partly",
        "step_free_note": "A ramp at the side entrance; the lift is small (one wheelchair).",
        "accessible_toilet": "yes",
        "accessible_toilet_note": "On the ground floor, one floor below the room.",
        "hearing_loop": "no",
        "quiet_space": "partly",
        "quiet_space_note": "The library's reading room, which is public.",
        "seating": "Upright chairs around tables.",
        "lighting": "Bright overhead lighting; no blinds.",
        "nearest_station": "London Bridge, 8 minutes; step-free from street to train.",
        "nearest_bus": "Routes 381 and RV1 stop on Wharf Road.",
        "parking": "No parking at the library; pay-and-display on Wharf Road.",
        "food_and_drink": "Tea, coffee and biscuits. No hot food.",
    },
    {
        "name": "The Print Works studio",
        "address": "Unit 4, 40 Canal Street\nLondon",
        "postcode": "E2 8DX",
        "step_free": "no",
        "step_free_note": "Two flights of stairs and no lift.",
        "accessible_toilet": "no",
        "accessible_toilet_note": "The nearest is at the café next door.",
        "hearing_loop": "unknown",
        "quiet_space": "yes",
        "quiet_space_note": "A small room off the studio.",
        "seating": "Stools and benches; floor cushions.",
        "lighting": "Large windows; can be very bright on sunny afternoons.",
        "nearest_station": "Cambridge Heath, 6 minutes; stairs only.",
        "nearest_bus": "Routes 26, 48, 55 and 106.",
        "parking": "",
        "food_and_drink": "Tea and cake from the café next door.",
    },
]


# What each past session was about, as its page and record tell it.
PAST_SUMMARIES = {
    "Getting to know each other": "Our first meeting: who we are, what brought us here and how we want to work "
    "together. We agreed ground rules and listed the topics people care about most.",
    "What does co-production mean to us?": "We looked at what sharing power really means, with examples from other "
    "centres, and wrote our own definition of co-production in plain words.",
    "The story so far": "We looked back over the first months: what people said, what the Centre did about it, "
    "and what still needs to change.",
    "Planning the Centre's evaluation": "We chose how the Centre will know whether it is making a difference: "
    "which questions to ask after each session, and which stories and numbers to share with funders.",
    "Agreeing our shared values": "We agreed the values we hold each other to, from how meetings run to how "
    "people are paid for their time and credited for their ideas.",
}
