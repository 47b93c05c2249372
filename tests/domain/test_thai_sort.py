"""Thai dictionary order: the department's printed province order, tone marks ignored at the first level."""

import random

import geothai

from app.domain.thai_sort import thai_sort_key

# The 76 provinces as the department's printed tables list them (Bangkok has no LAO reporting here).
PRINTED = """กระบี่ กาญจนบุรี กาฬสินธุ์ กำแพงเพชร ขอนแก่น จันทบุรี ฉะเชิงเทรา ชลบุรี ชัยนาท ชัยภูมิ ชุมพร เชียงราย
เชียงใหม่ ตรัง ตราด ตาก นครนายก นครปฐม นครพนม นครราชสีมา นครศรีธรรมราช นครสวรรค์ นนทบุรี นราธิวาส น่าน บึงกาฬ
บุรีรัมย์ ปทุมธานี ประจวบคีรีขันธ์ ปราจีนบุรี ปัตตานี พระนครศรีอยุธยา พะเยา พังงา พัทลุง พิจิตร พิษณุโลก เพชรบุรี
เพชรบูรณ์ แพร่ ภูเก็ต มหาสารคาม มุกดาหาร แม่ฮ่องสอน ยโสธร ยะลา ร้อยเอ็ด ระนอง ระยอง ราชบุรี ลพบุรี ลำปาง ลำพูน เลย
ศรีสะเกษ สกลนคร สงขลา สตูล สมุทรปราการ สมุทรสงคราม สมุทรสาคร สระแก้ว สระบุรี สิงห์บุรี สุโขทัย สุพรรณบุรี
สุราษฎร์ธานี สุรินทร์ หนองคาย หนองบัวลำภู อ่างทอง อำนาจเจริญ อุดรธานี อุตรดิตถ์ อุทัยธานี อุบลราชธานี""".split()


def test_the_76_provinces_come_out_in_the_printed_order():
    names = [p.name_th for p in geothai.provinces() if p.name_th != "กรุงเทพมหานคร"]
    assert sorted(names) == sorted(PRINTED)  # the same 76 names as the data
    for seed in range(5):
        shuffled = names[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(shuffled, key=thai_sort_key) == PRINTED


def test_tone_marks_are_ignored_at_the_first_level():
    # code-point order put ร้อยเอ็ด after ราชบุรี and อ่างทอง after อุบลราชธานี
    assert sorted(["ราชบุรี", "ระนอง", "ร้อยเอ็ด"], key=thai_sort_key) == ["ร้อยเอ็ด", "ระนอง", "ราชบุรี"]
    assert sorted(["อุบลราชธานี", "อำนาจเจริญ", "อ่างทอง"], key=thai_sort_key) == ["อ่างทอง", "อำนาจเจริญ", "อุบลราชธานี"]


def test_marks_break_ties_and_leading_vowels_follow_their_consonant():
    assert sorted(["เสื้อ", "เสื่อ", "เสือ"], key=thai_sort_key) == ["เสือ", "เสื่อ", "เสื้อ"]
    assert sorted(["ไก่", "ฮา", "ไข่", "ก"], key=thai_sort_key) == ["ก", "ไก่", "ไข่", "ฮา"]
    # the same letters with and without a tone mark: equal at the first level, the unmarked one first
    assert thai_sort_key("ต่าก")[0] == thai_sort_key("ตาก")[0] and thai_sort_key("ตาก") < thai_sort_key("ต่าก")
