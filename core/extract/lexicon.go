package extract

import "strings"

// Word lists. They name open classes the patterns cannot tell apart by
// grammar alone ("I'm German" vs "I'm Priya" vs "I'm tired"). Each is an
// alternation for use inside a pattern, longest entries first.

func alt(words ...string) string {
	// Longer phrases first so "trans man" wins over "man".
	for i := 1; i < len(words); i++ {
		for j := i; j > 0 && len(words[j]) > len(words[j-1]); j-- {
			words[j], words[j-1] = words[j-1], words[j]
		}
	}
	return "(?:" + strings.Join(words, "|") + ")"
}

// jobHeads are head nouns of job titles ("senior backend *developer*").
var jobHeads = alt("engineer", "developer", "dev", "programmer", "coder", "designer", "teacher", "nurse",
	"doctor", "physician", "surgeon", "lawyer", "attorney", "paralegal", "accountant", "auditor", "manager",
	"analyst", "scientist", "researcher", "consultant", "chef", "cook", "baker", "barista", "bartender",
	"waiter", "waitress", "server", "driver", "pilot", "writer", "journalist", "editor", "author", "artist",
	"illustrator", "animator", "musician", "singer", "dancer", "actor", "actress", "architect", "electrician",
	"plumber", "carpenter", "mechanic", "pharmacist", "therapist", "psychologist", "psychiatrist", "counselor",
	"dentist", "hygienist", "vet", "veterinarian", "paramedic", "emt", "firefighter", "officer", "soldier",
	"professor", "lecturer", "tutor", "teaching assistant", "translator", "interpreter", "cashier", "clerk",
	"salesperson", "sales rep", "marketer", "recruiter", "founder", "co-founder", "cofounder", "ceo", "cto",
	"cfo", "coo", "intern", "assistant", "secretary", "receptionist", "librarian", "farmer", "photographer",
	"videographer", "entrepreneur", "freelancer", "contractor", "administrator", "admin", "technician",
	"specialist", "coordinator", "director", "supervisor", "owner", "butcher", "midwife", "caregiver",
	"carer", "nanny", "social worker", "worker", "banker", "trader", "economist", "statistician",
	"streamer", "youtuber", "influencer", "coach", "trainer", "instructor", "housekeeper", "janitor",
	"guard", "cop", "detective", "product owner", "scrum master", "pm", "sre", "devops", "tester", "qa",
	"copywriter", "strategist", "planner", "agent", "broker", "realtor", "surveyor", "inspector",
	"machinist", "welder", "builder", "labourer", "laborer", "miner", "fisherman", "pastor", "priest",
	"rabbi", "imam", "judge", "politician", "diplomat", "professional", "executive", "partner",
	"associate", "apprentice", "resident", "postdoc", "psychotherapist", "optometrist", "physiotherapist",
	"physio", "radiologist", "anesthesiologist", "pediatrician", "nutritionist", "dietitian", "tailor")

// species are pets the pet patterns know, breeds included.
var species = alt("dog", "puppy", "pup", "cat", "kitten", "kitty", "parrot", "budgie", "cockatiel", "bird",
	"hamster", "gerbil", "rabbit", "bunny", "guinea pig", "ferret", "rat", "mouse", "fish", "goldfish",
	"betta", "turtle", "tortoise", "snake", "lizard", "gecko", "bearded dragon", "iguana", "horse", "pony",
	"chicken", "hen", "goat", "pig", "hedgehog", "chinchilla", "axolotl", "tarantula", "frog",
	"golden retriever", "retriever", "labrador", "lab", "greyhound", "poodle", "beagle", "husky", "corgi",
	"pug", "bulldog", "french bulldog", "frenchie", "german shepherd", "shepherd", "dachshund", "chihuahua",
	"terrier", "border collie", "collie", "shiba", "shiba inu", "spaniel", "cocker spaniel", "boxer",
	"rottweiler", "doberman", "pitbull", "pit bull", "schnauzer", "maltese", "shih tzu", "whippet",
	"labradoodle", "goldendoodle", "cavapoo", "mutt", "tabby", "siamese", "maine coon", "ragdoll",
	"persian", "sphynx", "bengal")

// demonyms are nationalities, in lower case.
var demonyms = alt("american", "canadian", "mexican", "brazilian", "argentinian", "argentine", "chilean",
	"colombian", "peruvian", "venezuelan", "cuban", "british", "english", "scottish", "welsh", "irish",
	"french", "german", "dutch", "belgian", "swiss", "austrian", "italian", "spanish", "portuguese",
	"greek", "turkish", "polish", "czech", "slovak", "hungarian", "romanian", "bulgarian", "serbian",
	"croatian", "bosnian", "slovenian", "ukrainian", "russian", "belarusian", "lithuanian", "latvian",
	"estonian", "finnish", "swedish", "norwegian", "danish", "icelandic", "chinese", "japanese",
	"korean", "vietnamese", "thai", "filipino", "filipina", "indonesian", "malaysian", "singaporean",
	"indian", "pakistani", "bangladeshi", "sri lankan", "nepali", "afghan", "iranian", "iraqi",
	"syrian", "lebanese", "jordanian", "israeli", "palestinian", "egyptian", "moroccan", "algerian",
	"tunisian", "nigerian", "ghanaian", "kenyan", "ethiopian", "somali", "south african", "ugandan",
	"tanzanian", "australian", "new zealander", "kiwi", "saudi", "emirati", "armenian", "georgian",
	"azerbaijani", "kazakh", "uzbek", "taiwanese", "mongolian", "jamaican", "haitian", "dominican",
	"puerto rican", "ecuadorian", "bolivian", "uruguayan", "paraguayan", "guatemalan", "honduran",
	"salvadoran", "nicaraguan", "costa rican", "panamanian", "senegalese", "cameroonian", "zimbabwean",
	"zambian", "rwandan", "sudanese", "libyan", "yemeni", "omani", "qatari", "kuwaiti", "maltese",
	"cypriot", "luxembourgish", "albanian", "macedonian", "montenegrin", "moldovan")

// languages are languages people say they speak.
var languages = alt("english", "spanish", "french", "german", "italian", "portuguese", "dutch", "russian",
	"ukrainian", "polish", "czech", "greek", "turkish", "arabic", "hebrew", "persian", "farsi", "hindi",
	"urdu", "bengali", "punjabi", "tamil", "telugu", "marathi", "gujarati", "mandarin", "cantonese",
	"chinese", "japanese", "korean", "vietnamese", "thai", "indonesian", "malay", "tagalog", "filipino",
	"swahili", "amharic", "yoruba", "igbo", "hausa", "zulu", "afrikaans", "swedish", "norwegian", "danish",
	"finnish", "icelandic", "hungarian", "romanian", "bulgarian", "serbian", "croatian", "bosnian",
	"slovak", "slovenian", "lithuanian", "latvian", "estonian", "catalan", "basque", "galician", "welsh",
	"irish", "gaelic", "latin", "esperanto", "sign language", "asl", "bsl", "armenian", "georgian",
	"kazakh", "uzbek", "mongolian", "khmer", "lao", "burmese", "nepali", "sinhala", "somali", "kurdish",
	"pashto", "albanian", "macedonian", "maltese", "luxembourgish", "yiddish")

// conditions are health conditions; a "have X" clause is a health fact only
// if X names one, which keeps "I have a dog" out.
var conditions = alt("diabetes", "type 1 diabetes", "type 2 diabetes", "prediabetes", "asthma", "adhd",
	"add", "autism", "depression", "anxiety", "ptsd", "ocd", "bipolar", "bipolar disorder", "migraines",
	"migraine", "epilepsy", "seizures", "cancer", "breast cancer", "arthritis", "rheumatoid arthritis",
	"celiac", "celiac disease", "coeliac", "crohn's", "crohn's disease", "ibs", "colitis",
	"hypertension", "high blood pressure", "high cholesterol", "insomnia", "sleep apnea", "long covid",
	"covid", "eczema", "psoriasis", "endometriosis", "pcos", "fibromyalgia", "chronic pain",
	"back pain", "chronic fatigue", "tinnitus", "dyslexia", "dyspraxia", "hiv", "lupus",
	"multiple sclerosis", "ms", "hypothyroidism", "hyperthyroidism", "thyroid", "anemia", "anaemia",
	"gout", "scoliosis", "an eating disorder", "anorexia", "bulimia", "panic attacks", "panic disorder",
	"schizophrenia", "parkinson's", "heart disease", "a heart condition", "kidney disease", "hepatitis",
	"acid reflux", "gerd", "vertigo", "a bad back", "a bad knee", "tourette's", "cerebral palsy",
	"cystic fibrosis", "sickle cell", "glaucoma", "cataracts", "hearing loss", "a disability",
	"chronic illness", "burnout", "social anxiety", "seasonal depression", "postpartum depression")

// conditionAdjectives map "I'm diabetic" to the condition's name.
var conditionAdjectives = map[string]string{
	"diabetic": "diabetes", "prediabetic": "prediabetes", "asthmatic": "asthma", "autistic": "autism",
	"epileptic": "epilepsy", "anemic": "anemia", "anaemic": "anemia", "dyslexic": "dyslexia",
	"bipolar": "bipolar disorder", "hypertensive": "hypertension", "hiv positive": "hiv",
	"deaf": "deafness", "blind": "blindness", "depressed": "depression", "immunocompromised": "immunocompromised",
}

// dietStyles are named diets ("I'm vegan", "I eat halal", "I'm on keto").
var dietStyles = alt("vegetarian", "vegan", "pescatarian", "pescetarian", "flexitarian", "keto", "paleo",
	"gluten-free", "gluten free", "dairy-free", "dairy free", "halal", "kosher", "raw vegan", "carnivore",
	"plant-based", "plant based", "low-carb", "low carb", "low-fodmap", "low fodmap", "whole30",
	"mediterranean", "lacto-vegetarian", "ovo-vegetarian", "fruitarian", "sugar-free", "intermittent fasting")

var religions = alt("christian", "catholic", "roman catholic", "protestant", "muslim", "jewish", "hindu",
	"buddhist", "sikh", "atheist", "agnostic", "mormon", "orthodox", "orthodox jewish", "evangelical",
	"baptist", "lutheran", "methodist", "anglican", "pentecostal", "quaker", "pagan", "wiccan", "jain",
	"shinto", "taoist", "bahai", "baha'i", "jehovah's witness", "unitarian", "spiritual but not religious",
	"secular", "religious", "devout christian")

var politics = alt("democrat", "republican", "liberal", "conservative", "progressive", "libertarian",
	"socialist", "democratic socialist", "social democrat", "communist", "leftist", "left-wing",
	"right-wing", "centrist", "moderate", "independent", "green", "labour supporter", "labour voter",
	"tory", "anarchist", "marxist", "populist", "nationalist", "feminist")

var sexualities = alt("gay", "lesbian", "bisexual", "bi", "straight", "queer", "asexual", "ace",
	"pansexual", "pan", "homosexual", "heterosexual", "demisexual", "aromantic")

var genders = alt("woman", "man", "girl", "guy", "boy", "lady", "female", "male", "non-binary",
	"nonbinary", "enby", "trans man", "trans woman", "transgender man", "transgender woman", "trans",
	"transgender", "genderqueer", "genderfluid", "agender", "trans guy", "trans girl")

// genderNorm folds synonyms.
var genderNorm = map[string]string{
	"girl": "woman", "lady": "woman", "female": "woman", "guy": "man", "boy": "man", "male": "man",
	"nonbinary": "non-binary", "enby": "non-binary", "transgender man": "trans man",
	"transgender woman": "trans woman", "trans guy": "trans man", "trans girl": "trans woman",
	"transgender": "trans",
}

// relatives are family roles; relativeNorm folds synonyms.
var relatives = alt("wife", "husband", "partner", "spouse", "girlfriend", "boyfriend", "fiance", "fiancé",
	"fiancee", "fiancée", "son", "daughter", "kid", "child", "baby", "brother", "sister", "sibling", "mom",
	"mum", "mother", "dad", "father", "grandma", "grandmother", "grandpa", "grandfather", "granddaughter",
	"grandson", "aunt", "uncle", "cousin", "niece", "nephew", "stepson", "stepdaughter", "stepmom",
	"stepdad", "stepbrother", "stepsister", "mother-in-law", "father-in-law", "twin")

var relativeNorm = map[string]string{
	"mom": "mother", "mum": "mother", "dad": "father", "grandma": "grandmother", "grandpa": "grandfather",
	"fiance": "fiancé", "fiancee": "fiancée", "kid": "child",
}
