import pytest

from dossier import codes

# Public test vectors: check digits computed by hand from GB 32100 / GB 11643 definitions.
VALID_USCC = ["91350100M000100Y43", "91110000100010433L"]
VALID_IDS = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_credit_codes(code):
    assert codes.is_valid_uscc(code)


@pytest.mark.parametrize("code", VALID_USCC)
def test_any_single_character_change_fails(code):
    for i in range(18):
        for c in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if c != code[i]:
                changed = code[:i] + c + code[i + 1:]
                assert not codes.is_valid_uscc(changed), changed


@pytest.mark.parametrize("bad", ["", "9135010", "91350100M000100Y4O", "91350100M000100Y431"])
def test_malformed_credit_codes(bad):
    assert not codes.is_valid_uscc(bad)


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers(number):
    assert codes.is_valid_id_number(number)


def test_id_number_wrong_check_digit():
    assert not codes.is_valid_id_number("110105194912310021")


def test_org_code_inside_credit_code_is_valid():
    # Characters 9-17 of a 统一社会信用代码 are the 组织机构代码 with its own check character.
    assert codes.is_valid_org_code("M000100Y4")
    assert codes.is_valid_org_code("10001043-3")


def test_find_credit_codes_repairs_ocr_confusions():
    text = "统一社会信用代码：9I35OlOOMOOOlOOY43 其他 91110000100010433L"
    # 'l' lower-case L is uppercased to 'L' and stays wrong; only O/I/Z/S/V are repaired.
    found = codes.find_credit_codes(text.replace("l", "1"))
    assert found == ["91350100M000100Y43", "91110000100010433L"]


def test_find_credit_codes_in_file_name():
    assert codes.find_credit_codes("91350100m000100y43_章程.pdf") == ["91350100M000100Y43"]


def test_find_credit_codes_ignores_longer_tokens():
    assert codes.find_credit_codes("X91350100M000100Y43") == []
