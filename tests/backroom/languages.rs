use backroom_api::{Caller, ErrorCode};
use serde_json::json;

use crate::support;

#[test]
fn an_operators_language_is_kept_across_sign_ins_and_set_by_them_or_a_manager() {
    let w = support::warehouse();
    let session = w.local("sign_in", json!({"station": "Pack 1", "credential": "OP-PACK"}));
    assert_eq!(session["operator"]["language"], "en", "English until someone chooses");
    let token = session["token"].as_str().unwrap().to_owned();
    let me = Caller::Session(Some(&token));

    let operator = w.app.call(me, "set_my_language", json!({"language": "es"})).unwrap();
    assert_eq!(operator["language"], "es");
    let whoami = w.app.call(me, "whoami", json!({})).unwrap();
    assert_eq!(whoami["operator"]["language"], "es");
    let again = w.local("sign_in", json!({"station": "Pick 1", "credential": "OP-PACK"}));
    assert_eq!(again["operator"]["language"], "es", "the choice follows them to another station");

    // A manager's edit that does not mention the language keeps it; one that does sets it.
    let id = operator["id"].clone();
    let kept = w.local(
        "save_operator",
        json!({"id": id, "name": "Pia Packer", "role": "packer", "badge": "OP-PACK"}),
    );
    assert_eq!(kept["language"], "es");
    let set = w.local(
        "save_operator",
        json!({"id": id, "name": "Pia Packer", "role": "packer", "badge": "OP-PACK", "language": "en"}),
    );
    assert_eq!(set["language"], "en");
    let hired = w.local(
        "save_operator",
        json!({"name": "Lola Ruiz", "role": "picker", "badge": "OP-LOLA", "language": "es"}),
    );
    assert_eq!(hired["language"], "es");
}

#[test]
fn a_language_the_screens_do_not_speak_is_refused_and_nothing_changes() {
    let w = support::warehouse();
    let token = w.sign_in("Pack 1", "OP-PACK");
    let me = Caller::Session(Some(&token));
    for bad in [json!("fr"), json!("ES"), json!(""), json!(null), json!(1)] {
        let err = w.app.call(me, "set_my_language", json!({ "language": bad })).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadRequest, "{bad}");
    }
    let err = w
        .app
        .call(
            Caller::Local,
            "save_operator",
            json!({"name": "X", "role": "picker", "language": "de"}),
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadRequest);
    let whoami = w.app.call(me, "whoami", json!({})).unwrap();
    assert_eq!(whoami["operator"]["language"], "en");
    let nobody = w
        .app
        .call(Caller::Session(None), "set_my_language", json!({"language": "es"}))
        .unwrap_err();
    assert_eq!(nobody.code, ErrorCode::NotSignedIn);
}
