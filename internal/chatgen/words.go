package chatgen

// Invented content: templates and word lists.

var topics = []string{
	"sourdough", "marathon training", "kubernetes", "tax returns", "watercolour", "garden beds", "jazz piano",
	"home network", "japanese grammar", "bike repair", "job interview", "wedding speech", "budget spreadsheet",
	"tomato seedlings", "sql indexes", "trip to lisbon", "kitchen renovation", "chess openings", "rust lifetimes",
	"sleep schedule", "camping gear", "birthday party", "podcast editing", "espresso machine", "bouldering",
}

var personal = []string{
	"I live in {city}.", "I work as a {job}.", "My dog is called {name}.", "I have a {pet} named {name}.",
	"I'm vegetarian.", "My sister {name} lives in {city}.", "I'm allergic to {food}.", "I moved to {city} last year.",
	"My partner {name} and I are planning a trip in {month}.", "I love {food}.", "I run every morning before work.",
	"I'm learning Portuguese.", "My daughter {name} starts school in {month}.", "I hate {food}.",
}

var questions = []string{
	"Can you help me with {topic}?", "What is the best way to get started with {topic}?",
	"How do I fix a problem with my {topic}?", "Give me a plan for {topic} this week.",
	"Why does my {topic} keep going wrong?", "Explain {topic} like I'm new to it.",
	"What should I buy for {topic} on a small budget?", "Compare two approaches to {topic}.",
}

var openers = []string{
	"Great question about {topic}.", "Here is a practical way to approach {topic}.",
	"Sure — let's break {topic} down.", "There are a few things to check with {topic}.",
	"Happy to help with {topic}.",
}

var cities = []string{"Lisbon", "Porto", "Utrecht", "Leeds", "Tallinn", "Valencia", "Graz", "Ghent", "Bergen", "Kraków"}
var names = []string{"Comet", "Mara", "Ines", "Tobias", "Juno", "Pixel", "Noor", "Bruno", "Leela", "Otto"}
var pets = []string{"cat", "greyhound", "parrot", "rabbit", "tortoise", "border collie"}
var jobs = []string{"pharmacist", "nurse", "data engineer", "teacher", "carpenter", "architect", "translator"}
var foods = []string{"peanuts", "shellfish", "mushrooms", "sushi", "olives", "coriander", "dark chocolate"}
var months = []string{"January", "March", "May", "July", "September", "November"}

var function = []string{
	"the", "a", "and", "to", "of", "in", "it", "is", "that", "for", "you", "with", "on", "this", "be", "can",
	"if", "your", "more", "when", "so", "then", "about", "first", "each", "before", "after", "will",
}

var words = []string{
	"temperature", "schedule", "layer", "setting", "budget", "routine", "pressure", "window", "pattern",
	"balance", "signal", "recipe", "interval", "surface", "feedback", "version", "storage", "threshold",
	"measure", "ratio", "stretch", "habit", "draft", "folder", "network", "deadline", "sauce", "flour",
	"tension", "rhythm", "chord", "route", "ticket", "receipt", "shelf", "bracket", "query", "index",
	"cluster", "deploy", "invoice", "mortgage", "savings", "pedal", "chain", "brake", "soil", "compost",
	"seedling", "harvest", "glaze", "brush", "paper", "canvas", "grammar", "particle", "kanji", "verb",
	"opening", "gambit", "endgame", "tent", "stove", "sleeping", "playlist", "microphone", "episode",
	"grinder", "portafilter", "crimp", "campus", "heel", "tempo", "warmup", "cooldown", "protein",
	"hydration", "checklist", "outline", "speech", "anecdote", "toast", "venue", "guest", "cake",
	"renovation", "tiles", "cabinet", "plumber", "quote", "estimate", "contractor", "borrow", "lifetime",
	"compiler", "trait", "struct", "pointer", "timeout", "latency", "backup", "router", "firmware",
}

// memoryLines are invented ChatGPT/Claude "memories", in the styles those
// tools show them.
var memoryLines = []string{
	"Lives in {city}.", "Works as a {job}.", "Has a {pet} named {name}.", "Is vegetarian.",
	"Prefers concise answers with code examples.", "Is allergic to {food}.", "Is learning Portuguese.",
	"User's sister {name} lives in {city}.", "Is training for a half marathon in {month}.",
	"Likes {food}.", "Uses Linux at home and a Mac at work.", "Has two children.",
}
