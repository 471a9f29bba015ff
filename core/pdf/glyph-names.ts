/**
 * What glyph names mean, for the glyphs pdf.js reads wrongly (see glyph-repair.ts): the TeX math names,
 * ligatures, and the private glyph names of a few publisher fonts whose meaning was checked against the
 * printed page.
 */

/** Base names (subset tag removed) of fonts whose glyph names we trust over pdf.js's Unicode. */
export const TEX_MATH_FONT = /^(CM(MI|MIB|SY|BSY|EX)\d|MS(AM|BM)\d|EU(SM|SB|FM|FB|RM|RB|EX)\d|LMMath(Italic|Symbols|Extension)|rsfs|stmary|wasy)/i;

const GREEK =
  'alpha α beta β gamma γ delta δ epsilon ϵ epsilon1 ε zeta ζ eta η theta θ theta1 ϑ iota ι kappa κ lambda λ mu μ nu ν xi ξ ' +
  'omicron ο pi π pi1 ϖ rho ρ rho1 ϱ sigma σ sigma1 ς tau τ upsilon υ phi ϕ phi1 φ chi χ psi ψ omega ω ' +
  'Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω';

const SYMBOLS =
  'bar | bardbl ∥ minus − periodcentered · multiply × asteriskmath ∗ divide ÷ diamondmath ⋄ plusminus ± minusplus ∓ ' +
  'circleplus ⊕ circleminus ⊖ circlemultiply ⊗ circledivide ⊘ circledot ⊙ circlecopyrt ○ openbullet ∘ bullet • ' +
  'equivasymptotic ≍ equivalence ≡ reflexsubset ⊆ reflexsuperset ⊇ lessequal ≤ greaterequal ≥ precedesequal ⪯ ' +
  'followsequal ⪰ similar ∼ approxequal ≈ propersubset ⊂ propersuperset ⊃ lessmuch ≪ greatermuch ≫ precedes ≺ ' +
  'follows ≻ arrowleft ← arrowright → arrowup ↑ arrowdown ↓ arrowboth ↔ arrownortheast ↗ arrowsoutheast ↘ ' +
  'similarequal ≃ arrowdblleft ⇐ arrowdblright ⇒ arrowdblup ⇑ arrowdbldown ⇓ arrowdblboth ⇔ arrownorthwest ↖ ' +
  "arrowsouthwest ↙ proportional ∝ prime ′ infinity ∞ element ∈ owner ∋ triangle △ triangleinv ▽ negationslash ̸ " +
  'mapsto ↦ universal ∀ existential ∃ logicalnot ¬ emptyset ∅ Rfractur ℜ Ifractur ℑ latticetop ⊤ perpendicular ⊥ ' +
  'aleph ℵ union ∪ intersection ∩ unionmulti ⊎ logicaland ∧ logicalor ∨ turnstileleft ⊢ turnstileright ⊣ ' +
  'floorleft ⌊ floorright ⌋ ceilingleft ⌈ ceilingright ⌉ braceleft { braceright } angbracketleft ⟨ ' +
  'angbracketright ⟩ backslash \\ radical √ nabla ∇ integral ∫ unionsq ⊔ intersectionsq ⊓ subsetsqequal ⊑ ' +
  'supersetsqequal ⊒ section § dagger † daggerdbl ‡ paragraph ¶ club ♣ diamond ♢ heart ♡ spade ♠ ' +
  'partialdiff ∂ lscript ℓ weierstrass ℘ slash / period . comma , less < greater > star ⋆ dotlessi ı dotlessj ȷ ' +
  'arrowhookleft ↩ arrowhookright ↪ harpoonleftup ↼ harpoonrightup ⇀ tie ⁀ vector ⃗ flat ♭ natural ♮ sharp ♯';

/** Ligatures as the letters they join (Unicode's ligature code points would only be split again later). */
const LIGATURES = 'ff ff fi fi fl fl ffi ffi ffl ffl ft ft st st';

/** Big operators and delimiters of CMEX: sizes collapse to the plain symbol, extension pieces to nothing. */
export const EXTENSION: [RegExp, string][] = [
  [/^parenleft(big|Big|bigg|Bigg|tp)$/, '('],
  [/^parenright(big|Big|bigg|Bigg|tp)$/, ')'],
  [/^bracketleft(big|Big|bigg|Bigg|tp)$/, '['],
  [/^bracketright(big|Big|bigg|Bigg|tp)$/, ']'],
  [/^braceleft(big|Big|bigg|Bigg|tp)$/, '{'],
  [/^braceright(big|Big|bigg|Bigg|tp)$/, '}'],
  [/^(floor|ceiling)(left|right)(big|Big|bigg|Bigg)$/, ''],
  [/^angbracket(left|right)(big|Big|bigg|Bigg)$/, ''],
  [/^(paren|bracket|brace)(left|right)?(ex|bt|mid)$/, ''],
  [/^brace(ex|mid)$/, ''],
  [/^vextendsingle$/, '|'],
  [/^vextenddouble$/, '∥'],
  [/^summation(text|display)$/, '∑'],
  [/^product(text|display)$/, '∏'],
  [/^coproduct(text|display)$/, '∐'],
  [/^integral(text|display)$/, '∫'],
  [/^contintegral(text|display)$/, '∮'],
  [/^union(text|display)$/, '⋃'],
  [/^intersection(text|display)$/, '⋂'],
  [/^radical(big|Big|bigg|Bigg)?$/, '√'],
  [/^radical(bt|vertex|tp)$/, ''],
  [/^(hat|tilde)wide(r|st)?$/, ''],
];

/**
 * Advent 3B2 fonts (Elsevier, Cell Press, OUP, RSC, ACS), by base name without subset tag or the "+e1"-style
 * Unicode-block suffix of their companion fonts. Each entry was read off the rendered page:
 * - AdvP4C4E74 (math symbols; its C<n> names follow the TeX CMSY layout): "v−" strains, "3.3 × 10⁵", "mean ±
 *   s.d.", "37 °C", "∼1-Mb scaffold"; its Latin-1 slots hold "quantum yield = 0.02" (¼), "CS2+" (þ),
 *   "[(g/μL)/…650)]" (½ ð Þ C138) and "4′,6-diamidino" (zero). C15/C20/C21 follow the same layout.
 * - AdvP4C4E46 (big delimiters): "∗ (6.022 ∗ 10²³)".
 * - AdvP4C4E59 (text accents set before their letter): "Noé", "Baltrušis", "Cabañas", "Schäffer".
 * - Arnhem (RSC body text, regular and bold) draws fi/fl/ft at Private Use codes: "fitness", "fluorescent",
 *   "software"; Arno (ACS) an em dash: "the asymmetric unit—they are".
 * The same C<n> name means something else in another Advent font, hence one table per font.
 */
export const PUBLISHER_FONTS: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  [
    'AdvP4C4E74',
    table('C0 − C2 × C3 ∗ C6 ± C14 ° C15 • C20 ≤ C21 ≥ C24 ∼ C138 ] onequarter = onehalf [ thorn + eth ( Thorn ) zero ′'),
  ],
  ['AdvP4C4E46', table('C0 ( C1 )')],
  ['AdvP4C4E59', table('C19 ´ C20 ˇ asciitilde ˜ Euro ¨')],
  ['AdvOT999035f4', table('uniE09D ft uniE103 fi uniE104 fl')],
  ['AdvOTaa6301a5.B', table('uniE09D ft uniE103 fi uniE104 fl')],
  ['AdvOTd3e08a55', table('uniE0D5 —')],
]);

/** Spacing accents and the combining marks they put on the letter that follows them. */
export const SPACING_ACCENTS: ReadonlyMap<string, string> = new Map([
  ['´', '\u0301'],
  ['`', '\u0300'],
  ['ˆ', '\u0302'],
  ['˜', '\u0303'],
  ['¯', '\u0304'],
  ['˘', '\u0306'],
  ['˙', '\u0307'],
  ['¨', '\u0308'],
  ['˚', '\u030a'],
  ['˝', '\u030b'],
  ['ˇ', '\u030c'],
  ['¸', '\u0327'],
  ['˛', '\u0328'],
]);

function table(spec: string): Map<string, string> {
  const words = spec.split(' ');
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < words.length; i += 2) m.set(words[i], words[i + 1]);
  return m;
}

/** Glyph names that mean the same in every font that uses them. */
export const NAMES: ReadonlyMap<string, string> = new Map([...table(GREEK), ...table(SYMBOLS), ...table(LIGATURES)]);
