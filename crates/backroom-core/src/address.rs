//! Postal addresses written the way each country writes them.
//!
//! The order of the lines and what shares a line (`12345 Berlin` in Germany, `Portland, OR
//! 97205` in the US, the postcode on a line of its own in the UK) come from Google's
//! libaddressinput region data, vendored in `address/formats.tsv` with its licence, rather than
//! from rules written here: the data is kept up to date by people who collect the postal
//! services' formats. Countries it has no format for get name, street lines, then city, region
//! and postcode on one line.
//!
//! The last line names the country in English, in capitals as the UPU asks of the last line
//! (`UNITED KINGDOM`, not `GB`, nor `Deutschland`): the English short names of Unicode CLDR,
//! vendored in `address/countries.tsv`. A parcel that stays in the country it is sent from
//! carries no country line, as the postal services ask.

/// The parts of an address a shop order carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostalAddress {
    pub name: String,
    pub organisation: String,
    /// Street lines, first to last.
    pub street: Vec<String>,
    pub city: String,
    /// State, county, prefecture or province.
    pub region: String,
    pub postal_code: String,
    /// ISO 3166 alpha-2 where known; a country written out is printed as given.
    pub country: String,
}

const FORMATS: &str = include_str!("address/formats.tsv");
const COUNTRIES: &str = include_str!("address/countries.tsv");

/// The English short name of an ISO 3166 alpha-2 code (`gb` → `United Kingdom`).
pub fn country_name(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    COUNTRIES.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let (c, name) = l.split_once('\t')?;
        (c == code).then_some(name)
    })
}

/// The code of a country given as a code or by its English name (`United Kingdom` → `GB`).
fn country_code(country: &str) -> Option<&'static str> {
    let text = country.trim();
    COUNTRIES.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let (code, name) = l.split_once('\t')?;
        (code.eq_ignore_ascii_case(text) || name.to_lowercase() == text.to_lowercase())
            .then_some(code)
    })
}

/// The last line: the country's name in capitals; none when the parcel stays in the country
/// it is sent from (`ship_from`, a code; empty when the store has not said).
fn country_line(country: &str, ship_from: &str) -> Option<String> {
    let code = country_code(country);
    if code.is_some() && code == country_code(ship_from) {
        return None;
    }
    let name = code.and_then(country_name).unwrap_or(country.trim());
    Some(name.to_uppercase())
}

/// The format of countries the data has none for (or a country written out in words): the
/// data's default with the region and postcode kept, so nothing the customer wrote is lost.
const DEFAULT_FORMAT: &str = "%N%n%O%n%A%n%C %S %Z";

/// The format for `country`: its Latin-script format when the address is written in Latin
/// letters and the country has one (Japan, China, Korea...), else its own.
fn format_for(country: &str, latin: bool) -> &'static str {
    let code = country.trim().to_ascii_uppercase();
    FORMATS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut cols = l.split('\t');
            (cols.next()? == code).then(|| {
                let local = cols.next().unwrap_or(DEFAULT_FORMAT);
                match cols.next().filter(|f| !f.is_empty()) {
                    Some(latin_format) if latin => latin_format,
                    _ => local,
                }
            })
        })
        .unwrap_or(DEFAULT_FORMAT)
}

/// Whether every letter in `texts` is a Latin one (accents included).
fn is_latin<'a>(texts: impl IntoIterator<Item = &'a str>) -> bool {
    texts.into_iter().flat_map(str::chars).all(|c| !c.is_alphabetic() || (c as u32) < 0x0250)
}

/// One piece of a format line: the literal text before a field, and the field's value.
struct Piece {
    before: String,
    value: String,
}

/// The printed lines of `a`, in its country's order, ending with the country unless it is
/// `ship_from`'s. Empty parts take their separators with them, and a line left with nothing is
/// dropped.
pub fn lines(a: &PostalAddress, ship_from: &str) -> Vec<String> {
    let street: Vec<&str> = a.street.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    let texts = [&a.name, &a.organisation, &a.city, &a.region, &a.postal_code];
    let latin = is_latin(texts.iter().map(|s| s.as_str()).chain(street.iter().copied()));
    let value = |field: char| -> String {
        match field {
            'N' => a.name.trim().to_owned(),
            'O' => a.organisation.trim().to_owned(),
            'A' => street.join("\n"),
            'C' => a.city.trim().to_owned(),
            'S' => a.region.trim().to_owned(),
            'Z' => a.postal_code.trim().to_owned(),
            // Districts and sorting codes are not kept apart from the street and the city.
            _ => String::new(),
        }
    };
    let mut out = Vec::new();
    // A country written out (`United Kingdom`) takes its code's format.
    let country = country_code(&a.country).unwrap_or(a.country.as_str());
    for line in format_for(country, latin).split("%n") {
        let (pieces, tail) = parse_line(line, &value);
        out.extend(fill_line(&pieces, &tail).split('\n').map(str::to_owned));
    }
    out.extend(country_line(&a.country, ship_from));
    out.retain(|l| !l.trim().is_empty());
    out
}

/// Splits one format line into fields with the literal before each, and the literal after the
/// last field.
fn parse_line(line: &str, value: &dyn Fn(char) -> String) -> (Vec<Piece>, String) {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        match chars.next() {
            Some(field) => {
                pieces.push(Piece { before: std::mem::take(&mut literal), value: value(field) })
            }
            None => literal.push('%'),
        }
    }
    (pieces, literal)
}

/// Joins the non-empty fields of a line, each with the literal written before it (`, ` before
/// the state, `CH-` before a Swiss postcode). A literal before an empty field is dropped, and
/// the first field printed takes its literal only when it opens the line (a prefix such as
/// `〒`). A line of literal text alone (`GUERNSEY`) prints as it is.
fn fill_line(pieces: &[Piece], tail: &str) -> String {
    if pieces.is_empty() {
        return tail.trim().to_owned();
    }
    let mut text = String::new();
    for (i, p) in pieces.iter().enumerate().filter(|(_, p)| !p.value.is_empty()) {
        if !text.is_empty() || i == 0 {
            text.push_str(&p.before);
        }
        text.push_str(&p.value);
    }
    if !text.is_empty() {
        text.push_str(tail);
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(country: &str, city: &str, region: &str, postal_code: &str) -> PostalAddress {
        PostalAddress {
            name: "Ada Lovelace".into(),
            street: vec!["12 Main Street".into(), "Flat 3".into()],
            city: city.into(),
            region: region.into(),
            postal_code: postal_code.into(),
            country: country.into(),
            ..PostalAddress::default()
        }
    }

    #[test]
    fn the_us_puts_city_state_and_zip_on_one_line() {
        assert_eq!(
            lines(&address("US", "Portland", "OR", "97205"), ""),
            ["Ada Lovelace", "12 Main Street", "Flat 3", "Portland, OR 97205", "UNITED STATES"]
        );
        // No state: the zip follows the city without a stray comma.
        assert_eq!(lines(&address("US", "Portland", "", "97205"), "")[3], "Portland 97205");
    }

    #[test]
    fn the_uk_gives_town_county_and_postcode_lines_of_their_own() {
        assert_eq!(
            lines(&address("gb", "London", "", "EC1Y 8SY"), ""),
            ["Ada Lovelace", "12 Main Street", "Flat 3", "London", "EC1Y 8SY", "UNITED KINGDOM"]
        );
        assert_eq!(
            lines(&address("GB", "Oxford", "Oxfordshire", "OX1 2JD"), "")[3..],
            ["Oxford", "Oxfordshire", "OX1 2JD", "UNITED KINGDOM"]
        );
    }

    #[test]
    fn germany_and_greece_put_the_postcode_before_the_city() {
        let de = PostalAddress {
            street: vec!["Hauptstraße 12".into()],
            ..address("DE", "Berlin", "Berlin", "10115")
        };
        assert_eq!(lines(&de, ""), ["Ada Lovelace", "Hauptstraße 12", "10115 Berlin", "GERMANY"]);
        let gr = PostalAddress {
            name: "Γιώργος Παπαδόπουλος".into(),
            street: vec!["Ερμού 25".into()],
            ..address("GR", "Αθήνα", "Αττική", "105 63")
        };
        // Greece writes no region line.
        assert_eq!(lines(&gr, ""), ["Γιώργος Παπαδόπουλος", "Ερμού 25", "105 63 Αθήνα", "GREECE"]);
    }

    #[test]
    fn france_puts_the_organisation_first_and_the_postcode_before_the_city() {
        let fr = PostalAddress {
            organisation: "Boulangerie Martin".into(),
            street: vec!["8 rue de la Paix".into()],
            ..address("FR", "Paris", "Île-de-France", "75002")
        };
        assert_eq!(
            lines(&fr, ""),
            ["Boulangerie Martin", "Ada Lovelace", "8 rue de la Paix", "75002 Paris", "FRANCE"]
        );
    }

    #[test]
    fn japan_reads_from_the_postcode_down_in_japanese_and_up_in_latin() {
        let local = PostalAddress {
            name: "山田太郎".into(),
            street: vec!["丸の内1-1".into()],
            ..address("JP", "千代田区", "東京都", "100-0005")
        };
        assert_eq!(
            lines(&local, ""),
            ["〒100-0005", "東京都千代田区", "丸の内1-1", "山田太郎", "JAPAN"]
        );
        let latin = PostalAddress {
            name: "Taro Yamada".into(),
            street: vec!["1-1 Marunouchi".into()],
            ..address("JP", "Chiyoda-ku", "Tokyo", "100-0005")
        };
        assert_eq!(
            lines(&latin, ""),
            ["Taro Yamada", "1-1 Marunouchi", "Chiyoda-ku, Tokyo", "100-0005", "JAPAN"]
        );
    }

    #[test]
    fn prefixes_and_unknown_countries() {
        assert_eq!(lines(&address("CH", "Zürich", "", "8001"), "")[3], "CH-8001 Zürich");
        // No format for the country: city, region and postcode share a line.
        assert_eq!(
            lines(&address("Ruritania", "Strelsau", "", "999"), ""),
            ["Ada Lovelace", "12 Main Street", "Flat 3", "Strelsau 999", "RURITANIA"]
        );
    }

    #[test]
    fn the_country_is_named_in_english_and_left_off_at_home() {
        let uk = address("GB", "London", "", "EC1Y 8SY");
        assert_eq!(lines(&uk, "US").last().unwrap(), "UNITED KINGDOM");
        assert_eq!(lines(&uk, "gb").last().unwrap(), "EC1Y 8SY", "domestic: no country line");
        // A country written out is known by its name, at home and abroad.
        let written = address("United Kingdom", "London", "", "EC1Y 8SY");
        assert_eq!(lines(&written, "GB").last().unwrap(), "EC1Y 8SY");
        let de = address("DE", "Berlin", "", "10115");
        assert_eq!(lines(&de, "FR").last().unwrap(), "GERMANY");
        assert_eq!(lines(&address("HK", "Central", "", ""), "US").last().unwrap(), "HONG KONG");
        assert_eq!(lines(&address("CI", "Abidjan", "", ""), "").last().unwrap(), "CÔTE D’IVOIRE");
        // No ship-from country known: the line stays, as abroad.
        assert_eq!(lines(&de, "").last().unwrap(), "GERMANY");
        assert_eq!(country_name("gr"), Some("Greece"));
        assert_eq!(country_name("ZZ"), None);
    }

    #[test]
    fn every_country_with_a_format_has_a_name() {
        for row in FORMATS.lines().filter(|l| !l.starts_with('#')) {
            let code = row.split('\t').next().unwrap();
            assert!(country_name(code).is_some(), "{code} has no name");
        }
        for row in COUNTRIES.lines().filter(|l| !l.starts_with('#')) {
            let (code, name) = row.split_once('\t').expect(row);
            assert!(code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()), "{row}");
            assert!(!name.trim().is_empty() && name != code, "{row}");
        }
    }

    #[test]
    fn every_row_of_the_data_has_a_country_code_and_a_format() {
        for row in FORMATS.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = row.split('\t').collect();
            assert_eq!(cols.len(), 3, "{row}");
            assert!(cols[0].len() == 2 && cols[0].chars().all(|c| c.is_ascii_uppercase()));
            assert!(cols[1].contains("%A"), "{row}");
        }
    }
}
