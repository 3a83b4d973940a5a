//! Demo customers: names and shipping addresses in the countries a small US shop ships to,
//! written the way each country writes them. Streets are common names, postal codes belong to
//! their cities, and phone numbers come from the ranges set aside for fiction.

use super::Rng;
use crate::orders::{Address, Customer};

enum Names {
    /// Given names and family names that combine freely.
    Split(&'static [&'static str], &'static [&'static str]),
    /// Whole names, with the Latin spelling used for the e-mail address, for languages whose
    /// family names change with the person.
    Whole(&'static [(&'static str, &'static str)]),
}

struct Country {
    code: &'static str,
    /// Out of 200: how many of the shop's orders go there.
    share: u64,
    names: Names,
    /// City, region, postal code, and the phone prefix for that city (empty: no phone given).
    cities: &'static [(&'static str, &'static str, &'static str, &'static str)],
    streets: &'static [&'static str],
    /// Whether the house number comes before the street (`12 Main Street`) or after it
    /// (`Hauptstraße 12`).
    number_first: bool,
    /// Digits that follow the city's phone prefix.
    phone_digits: u32,
    flats: &'static [&'static str],
}

// Kept as written: the word lists read best as dense lines.
#[rustfmt::skip]
static COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        share: 140,
        names: Names::Split(
            &[
                "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "Daniel",
                "Emily", "Chris", "Jessica", "Kevin", "Ashley", "Brian", "Sarah", "Tyler", "Megan", "José",
                "María", "Aaliyah", "DeShawn", "Mei", "Wei", "Priya", "Arjun", "Zoë", "Noah", "Liam",
                "Olivia", "Ava", "Ethan", "Hannah", "Kayla", "Marcus", "Tanisha", "Hiroshi", "Siobhan",
                "Ngozi", "Dmitri",
            ],
            &[
                "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "García", "Rodriguez",
                "Martinez", "Hernández", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
                "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
                "Walker", "Young", "Allen", "King", "Nguyen", "Kim", "Patel", "O'Brien", "McCarthy",
                "Kowalski", "Okafor", "Schwartz", "Rossi", "Washington", "Smith-Jones", "Van Buren",
            ],
        ),
        cities: &[
            ("Portland", "OR", "97205", "+1 503-555-01"),
            ("Seattle", "WA", "98109", "+1 206-555-01"),
            ("Austin", "TX", "78704", "+1 512-555-01"),
            ("Houston", "TX", "77006", "+1 713-555-01"),
            ("Denver", "CO", "80205", "+1 303-555-01"),
            ("Chicago", "IL", "60614", "+1 312-555-01"),
            ("Brooklyn", "NY", "11215", "+1 718-555-01"),
            ("New York", "NY", "10027", "+1 212-555-01"),
            ("Boston", "MA", "02130", "+1 617-555-01"),
            ("Philadelphia", "PA", "19147", "+1 215-555-01"),
            ("Pittsburgh", "PA", "15213", "+1 412-555-01"),
            ("Atlanta", "GA", "30307", "+1 404-555-01"),
            ("Nashville", "TN", "37206", "+1 615-555-01"),
            ("Minneapolis", "MN", "55408", "+1 612-555-01"),
            ("Madison", "WI", "53703", "+1 608-555-01"),
            ("Columbus", "OH", "43215", "+1 614-555-01"),
            ("Raleigh", "NC", "27603", "+1 919-555-01"),
            ("Richmond", "VA", "23220", "+1 804-555-01"),
            ("Baltimore", "MD", "21218", "+1 410-555-01"),
            ("Miami", "FL", "33137", "+1 305-555-01"),
            ("Tampa", "FL", "33606", "+1 813-555-01"),
            ("New Orleans", "LA", "70115", "+1 504-555-01"),
            ("Phoenix", "AZ", "85004", "+1 602-555-01"),
            ("Tucson", "AZ", "85719", "+1 520-555-01"),
            ("Salt Lake City", "UT", "84102", "+1 801-555-01"),
            ("Boise", "ID", "83702", "+1 208-555-01"),
            ("San Diego", "CA", "92104", "+1 619-555-01"),
            ("Los Angeles", "CA", "90026", "+1 213-555-01"),
            ("Oakland", "CA", "94610", "+1 510-555-01"),
            ("Sacramento", "CA", "95816", "+1 916-555-01"),
            ("Honolulu", "HI", "96815", "+1 808-555-01"),
            ("Anchorage", "AK", "99501", "+1 907-555-01"),
            ("Burlington", "VT", "05401", "+1 802-555-01"),
            ("Portland", "ME", "04101", "+1 207-555-01"),
            ("Kansas City", "MO", "64111", "+1 816-555-01"),
            ("Omaha", "NE", "68102", "+1 402-555-01"),
            ("Albuquerque", "NM", "87102", "+1 505-555-01"),
            ("Ann Arbor", "MI", "48104", "+1 734-555-01"),
            ("Louisville", "KY", "40204", "+1 502-555-01"),
        ],
        streets: &[
            "Maple Street", "Oak Avenue", "Pine Street", "Cedar Lane", "Elm Street", "Washington Avenue",
            "Park Place", "Lakeview Drive", "Hillcrest Road", "Main Street", "2nd Avenue", "Willow Way",
            "Birch Road", "Highland Avenue", "Riverside Drive", "Church Street", "Spring Street",
            "Chestnut Street", "Magnolia Avenue", "N 45th Street", "SE Division Street", "Martin Luther King Jr Blvd",
        ],
        number_first: true,
        phone_digits: 2,
        flats: &["Apt 3B", "Unit 12", "Suite 200", "Apt 5", "Apt 1R", "# 410", "Floor 2"],
    },
    Country {
        code: "CA",
        share: 14,
        names: Names::Split(
            &["Émilie", "Mathieu", "Chloé", "Liam", "Olivia", "Noah", "Gabrielle", "Étienne", "Aiden", "Sophie"],
            &["Tremblay", "Gagnon", "Roy", "Côté", "Smith", "Wilson", "MacDonald", "Bouchard", "Singh", "Lévesque"],
        ),
        cities: &[
            ("Toronto", "ON", "M5V 2T6", "+1 416-555-01"),
            ("Vancouver", "BC", "V6B 1A1", "+1 604-555-01"),
            ("Montréal", "QC", "H2X 1Y4", "+1 514-555-01"),
            ("Calgary", "AB", "T2P 1J9", "+1 403-555-01"),
            ("Ottawa", "ON", "K1P 5G4", "+1 613-555-01"),
            ("Halifax", "NS", "B3J 1S9", "+1 902-555-01"),
            ("Québec", "QC", "G1R 4P5", "+1 418-555-01"),
        ],
        streets: &["King Street West", "rue Saint-Denis", "Yonge Street", "avenue du Mont-Royal", "Granville Street", "Queen Street East"],
        number_first: true,
        phone_digits: 2,
        flats: &["Apt 1204", "Unit 7", "app. 3"],
    },
    Country {
        code: "GB",
        share: 14,
        names: Names::Split(
            &["Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Siobhan", "Rhys", "Aoife", "Callum"],
            &["Smith", "Jones", "Taylor", "Brown", "O'Connor", "Patel", "Evans", "Wright", "Ffion-Hughes", "Khan"],
        ),
        cities: &[
            ("London", "", "SE1 7PB", "+44 20 7946 0"),
            ("Manchester", "", "M4 1HN", "+44 161 496 0"),
            ("Bristol", "", "BS1 5TR", "+44 117 496 0"),
            ("Edinburgh", "", "EH1 1YZ", "+44 131 496 0"),
            ("Leeds", "", "LS1 4DY", "+44 113 496 0"),
            ("Glasgow", "", "G1 1XQ", "+44 141 496 0"),
            ("Cardiff", "", "CF10 1EP", "+44 29 2018 0"),
        ],
        streets: &["High Street", "Church Road", "Victoria Road", "Station Road", "Mill Lane", "Queen's Road"],
        number_first: true,
        phone_digits: 3,
        flats: &["Flat 2", "Flat 4A", "Top Floor Flat"],
    },
    Country {
        code: "DE",
        share: 8,
        names: Names::Split(
            &["Lukas", "Anna", "Jürgen", "Sophie", "Maximilian", "Lea", "Jörg", "Käthe"],
            &["Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Groß", "Becker", "Schäfer"],
        ),
        cities: &[
            ("Berlin", "", "10115", ""),
            ("München", "", "80331", ""),
            ("Hamburg", "", "20095", ""),
            ("Köln", "", "50667", ""),
            ("Leipzig", "", "04109", ""),
            ("Düsseldorf", "", "40213", ""),
        ],
        streets: &["Hauptstraße", "Bahnhofstraße", "Lindenallee", "Gartenweg", "Schillerstraße", "Am Markt"],
        number_first: false,
        phone_digits: 0,
        flats: &["Hinterhaus", "3. OG links", "c/o Werkstatt"],
    },
    Country {
        code: "FR",
        share: 5,
        names: Names::Split(
            &["Camille", "Léa", "Hugo", "Chloé", "Théo", "Inès", "François", "Zoé"],
            &["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Fournier", "Rousseau"],
        ),
        cities: &[
            ("Paris", "", "75011", ""),
            ("Lyon", "", "69002", ""),
            ("Marseille", "", "13001", ""),
            ("Nantes", "", "44000", ""),
            ("Bordeaux", "", "33000", ""),
        ],
        streets: &["rue de la République", "avenue Jean Jaurès", "rue des Écoles", "boulevard Saint-Germain", "place du Marché"],
        number_first: true,
        phone_digits: 0,
        flats: &["Bâtiment B", "Appartement 12", "2e étage"],
    },
    Country {
        code: "AU",
        share: 6,
        names: Names::Split(
            &["Jack", "Charlotte", "Lachlan", "Mia", "Cooper", "Matilda"],
            &["Wilson", "Thompson", "Nguyen", "Murphy", "Kelly", "Walker"],
        ),
        cities: &[
            ("Sydney", "NSW", "2000", "+61 2 5550 "),
            ("Melbourne", "VIC", "3000", "+61 3 5550 "),
            ("Brisbane", "QLD", "4000", "+61 7 5550 "),
            ("Perth", "WA", "6000", "+61 8 5550 "),
            ("Hobart", "TAS", "7000", "+61 3 5550 "),
        ],
        streets: &["George Street", "Collins Street", "Beach Road", "Bay Street"],
        number_first: true,
        phone_digits: 4,
        flats: &["Unit 4", "Level 3"],
    },
    Country {
        code: "NL",
        share: 3,
        names: Names::Split(&["Daan", "Sanne", "Bram", "Femke"], &["de Vries", "van Dijk", "Jansen", "Bakker"]),
        cities: &[("Amsterdam", "", "1015 CJ", ""), ("Utrecht", "", "3511 LN", ""), ("Rotterdam", "", "3011 AD", "")],
        streets: &["Prinsengracht", "Oudegracht", "Kerkstraat"],
        number_first: false,
        phone_digits: 0,
        flats: &["huis", "2-hoog"],
    },
    Country {
        code: "ES",
        share: 3,
        names: Names::Split(
            &["Lucía", "Javier", "María José", "Álvaro", "Sofía", "Íñigo"],
            &["García", "Fernández", "Martínez", "López", "Muñoz", "Pérez"],
        ),
        cities: &[("Madrid", "Madrid", "28004", ""), ("Barcelona", "Barcelona", "08002", ""), ("Sevilla", "Sevilla", "41001", "")],
        streets: &["Calle Mayor", "Calle de Alcalá", "Carrer de Mallorca", "Avenida de la Constitución"],
        number_first: false,
        phone_digits: 0,
        flats: &["3º B", "1º izda."],
    },
    Country {
        code: "GR",
        share: 4,
        names: Names::Whole(&[
            ("Γιώργος Παπαδόπουλος", "giorgos.papadopoulos"),
            ("Μαρία Κωνσταντίνου", "maria.konstantinou"),
            ("Ελένη Οικονόμου", "eleni.oikonomou"),
            ("Νίκος Γεωργίου", "nikos.georgiou"),
            ("Κατερίνα Δημητρίου", "katerina.dimitriou"),
        ]),
        cities: &[
            ("Αθήνα", "Αττική", "105 58", ""),
            ("Θεσσαλονίκη", "Κεντρική Μακεδονία", "546 24", ""),
            ("Πάτρα", "Δυτική Ελλάδα", "262 21", ""),
            ("Ηράκλειο", "Κρήτη", "712 02", ""),
        ],
        streets: &["Ερμού", "Αιόλου", "Τσιμισκή", "Αγίου Νικολάου"],
        number_first: false,
        phone_digits: 0,
        flats: &["2ος όροφος"],
    },
    Country {
        code: "BG",
        share: 3,
        names: Names::Whole(&[
            ("Иван Петров", "ivan.petrov"),
            ("Мария Иванова", "maria.ivanova"),
            ("Георги Димитров", "georgi.dimitrov"),
            ("Елена Стоянова", "elena.stoyanova"),
        ]),
        cities: &[("София", "София-град", "1000", ""), ("Пловдив", "Пловдив", "4000", ""), ("Варна", "Варна", "9000", "")],
        streets: &["ул. Витоша", "ул. Граф Игнатиев", "бул. Христо Ботев"],
        number_first: false,
        phone_digits: 0,
        flats: &["ет. 3, ап. 7"],
    },
];

/// E-mail domains reserved for examples, so no demo message can reach a real person.
const MAIL_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// A customer with a complete shipping address.
pub(super) fn customer(rng: &mut Rng) -> (Customer, Address) {
    let total: u64 = COUNTRIES.iter().map(|c| c.share).sum();
    let mut roll = rng.below(total);
    let country = COUNTRIES
        .iter()
        .find(|c| {
            let hit = roll < c.share;
            roll = roll.saturating_sub(c.share);
            hit
        })
        .unwrap_or(&COUNTRIES[0]);
    let (name, local) = match country.names {
        Names::Split(given, family) => {
            let name = format!("{} {}", rng.pick(given), rng.pick(family));
            let local = mail_local(&name);
            (name, local)
        }
        Names::Whole(names) => {
            let (name, local) = rng.pick(names);
            (name.to_string(), local.to_string())
        }
    };
    let email = match rng.below(10) {
        0 => String::new(),
        n => format!(
            "{local}{}@{}",
            if n > 6 { (rng.below(90) + 10).to_string() } else { String::new() },
            rng.pick(MAIL_DOMAINS)
        ),
    };
    let &(city, region, postal_code, phone_prefix) = rng.pick(country.cities);
    let phone = if phone_prefix.is_empty() || rng.chance(0.2) {
        String::new()
    } else {
        let limit = 10u64.pow(country.phone_digits);
        format!("{phone_prefix}{:0width$}", rng.below(limit), width = country.phone_digits as usize)
    };
    let street = rng.pick(country.streets);
    // Long street numbers are a North American and Australian habit; European streets stay short.
    let number = match (rng.below(10), country.number_first) {
        (_, false) => rng.below(120) + 1,
        (0..=5, true) => rng.below(98) + 1,
        (6..=8, true) => rng.below(900) + 100,
        _ => rng.below(8000) + 1000,
    };
    let address1 = if country.number_first {
        format!("{number} {street}")
    } else {
        format!("{street} {number}")
    };
    let address2 =
        if rng.chance(0.2) { rng.pick(country.flats).to_string() } else { String::new() };
    let address = Address {
        name: name.clone(),
        address1,
        address2,
        city: city.to_owned(),
        region: region.to_owned(),
        postal_code: postal_code.to_owned(),
        country: country.code.to_owned(),
    };
    (Customer { name, email, phone }, address)
}

/// The part of an e-mail address before the `@`: the name in lower case, letters folded to
/// plain ASCII, dots between the words.
fn mail_local(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let folded = match c {
            'á' | 'à' | 'â' | 'ä' | 'å' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'í' | 'ì' | 'î' | 'ï' => "i",
            'ó' | 'ò' | 'ô' | 'ö' | 'ø' => "o",
            'ú' | 'ù' | 'û' | 'ü' => "u",
            'ñ' => "n",
            'ç' => "c",
            'ß' => "ss",
            ' ' => ".",
            '-' => "-",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_addresses_are_plain_ascii() {
        assert_eq!(mail_local("Zoë O'Brien"), "zoe.obrien");
        assert_eq!(mail_local("Jörg Weiß"), "jorg.weiss");
        assert_eq!(mail_local("María José García"), "maria.jose.garcia");
    }

    #[test]
    fn every_country_share_adds_up_to_the_order_count() {
        assert_eq!(COUNTRIES.iter().map(|c| c.share).sum::<u64>(), 200);
    }
}
