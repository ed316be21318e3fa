/* Touchloop survey page: show_if visibility, progress and a submit guard.
 *
 * Progressive enhancement: without this script every question is shown with a
 * "answer only if it applies" note and the server (touchloop/answers.py) drops
 * answers to hidden questions. With it, the page hides those questions itself,
 * using the same rules, so what the customer sees is what the server keeps.
 *
 * evaluate() mirrors Expression.evaluate in touchloop/expressions.py rule for
 * rule; tests/domain/test_expressions_js.py runs both on the same cases, which
 * is why it is exported for Node and the DOM is only touched in a browser.
 */
(function () {
  'use strict';

  // --- the condition evaluator (pure; mirrors touchloop/expressions.py) ---------------

  const UNANSWERED = Object.freeze({});
  const own = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

  // Python tells bool from int and has no floats in answers; JS numbers need the
  // integer check so 6.5 counts as unanswered, as it does on the server.
  function kind(value) {
    if (typeof value === 'boolean') return 'bool';
    if (typeof value === 'number') return Number.isInteger(value) ? 'int' : null;
    if (typeof value === 'string') return 'str';
    if (Array.isArray(value)) return 'list';
    return null;
  }

  function isScalar(k) {
    return k === 'bool' || k === 'int' || k === 'str';
  }

  function member(item, items) {
    const k = kind(item);
    return isScalar(k) && items.some((other) => kind(other) === k && other === item);
  }

  function equal(left, right) {
    const k = kind(left);
    if (k === null || k !== kind(right)) return false;
    if (k === 'list') {  // lists compare as sets, like the Python version
      return left.every((x) => member(x, right)) && right.every((y) => member(y, left));
    }
    return left === right;
  }

  function contains(container, item) {
    const items = Array.isArray(container) ? container : [container];
    const candidates = Array.isArray(item) ? item : [item];
    return candidates.some((candidate) => member(candidate, items));
  }

  function ordered(test) {
    return (a, b) => kind(a) === 'int' && kind(b) === 'int' && test(a, b);
  }

  const OPERATORS = {
    '==': equal,
    '!=': (a, b) => kind(a) !== null && kind(a) === kind(b) && !equal(a, b),
    '<': ordered((a, b) => a < b),
    '<=': ordered((a, b) => a <= b),
    '>': ordered((a, b) => a > b),
    '>=': ordered((a, b) => a >= b),
    'in': (a, b) => contains(b, a),
    'not in': (a, b) => !contains(b, a),
  };

  function truthy(value) {
    switch (kind(value)) {  // UNANSWERED, null and objects have no kind
      case 'bool': return value;
      case 'int': return value !== 0;
      case 'str': return value !== '';
      case 'list': return value.length > 0;
      default: return false;
    }
  }

  function intPart(value, name) {
    if (value === null || typeof value !== 'object' || !own(value, name)) return UNANSWERED;
    return kind(value[name]) === 'int' ? value[name] : UNANSWERED;
  }

  function lookup(answers, name, part) {
    const value = answers !== null && typeof answers === 'object' && own(answers, name)
      ? answers[name] : undefined;
    if (part === null || part === undefined) return kind(value) === null ? UNANSWERED : value;
    if (part !== 'gap') return intPart(value, part);
    const expected = intPart(value, 'expected');
    const actual = intPart(value, 'actual');
    if (expected === UNANSWERED || actual === UNANSWERED) return UNANSWERED;
    return actual - expected;
  }

  function compare(node, answers) {
    const left = resolve(node.left, answers);
    const right = resolve(node.right, answers);
    if (left === UNANSWERED || right === UNANSWERED || !own(OPERATORS, node.cmp)) return false;
    return OPERATORS[node.cmp](left, right);
  }

  function junction(node, answers) {
    // some/every stop at the first deciding item, as Python's any/all do.
    const test = (item) => truthy(resolve(item, answers));
    return node.op === 'and' ? node.items.every(test) : node.items.some(test);
  }

  function resolve(node, answers) {
    if (node === null || typeof node !== 'object') return UNANSWERED;
    if (own(node, 'lit')) return node.lit;
    if (own(node, 'ref')) return lookup(answers, node.ref, node.part);
    if (own(node, 'cmp')) return compare(node, answers);
    if (own(node, 'not')) return !truthy(resolve(node.not, answers));
    if (own(node, 'op') && Array.isArray(node.items)) return junction(node, answers);
    return UNANSWERED;
  }

  /** Whether a condition tree (Expression.to_json) holds for answers; never throws. */
  function evaluate(tree, answers) {
    try {
      return truthy(resolve(tree, answers));
    } catch (error) {
      return false;
    }
  }

  // --- reading the form ---------------------------------------------------------------

  const NUMERIC = ['nps', 'rating', 'csat', 'ces'];
  // Python's str.strip() whitespace, which differs from String#trim at the edges.
  const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
  const STRIP = new RegExp('^' + PY_SPACE + '+|' + PY_SPACE + '+$', 'g');

  function toInt(text) {
    return /^-?[0-9]+$/.test(text) ? parseInt(text, 10) : undefined;
  }

  function fieldValues(container, name) {
    const values = [];
    container.querySelectorAll('input, textarea, select').forEach((field) => {
      if (field.name !== name) return;
      if ((field.type === 'radio' || field.type === 'checkbox') && !field.checked) return;
      values.push(field.value);
    });
    return values;
  }

  /** The answer in a question's fields, shaped as the evaluator expects; UNANSWERED if none. */
  function readAnswer(container) {
    const id = container.dataset.question;
    const type = container.dataset.type;
    const name = 'q_' + id;
    if (type === 'gap') {
      const expected = toInt(fieldValues(container, name + '__expected')[0]);
      const actual = toInt(fieldValues(container, name + '__actual')[0]);
      if (expected === undefined && actual === undefined) return UNANSWERED;
      const gap = {};
      if (expected !== undefined) gap.expected = expected;
      if (actual !== undefined) gap.actual = actual;
      return gap;
    }
    const values = fieldValues(container, name);
    if (type === 'choice' && container.dataset.multiple === '1') {
      const codes = values.filter((code) => code !== '');
      return codes.length ? codes : UNANSWERED;  // nothing ticked is unanswered, as on the server
    }
    if (NUMERIC.indexOf(type) >= 0) {
      const number = toInt(values[0]);
      return number === undefined ? UNANSWERED : number;
    }
    const text = (values[0] || '').replace(STRIP, '');
    return text === '' ? UNANSWERED : text;
  }

  function tooLong(container, text) {
    const field = container.querySelector('textarea[maxlength]');
    const limit = field ? parseInt(field.getAttribute('maxlength'), 10) : NaN;
    return limit >= 0 && Array.from(text).length > limit;  // Python counts code points
  }

  /** The answer as check_answers keeps it: a half gap or too-long text is an error, not an answer. */
  function keptAnswer(container, answer) {
    if (answer === UNANSWERED) return UNANSWERED;
    if (container.dataset.type === 'gap') {
      return own(answer, 'expected') && own(answer, 'actual') ? answer : UNANSWERED;
    }
    if (typeof answer === 'string' && container.dataset.type === 'text' && tooLong(container, answer)) {
      return UNANSWERED;
    }
    return answer;
  }

  // --- the page -----------------------------------------------------------------------

  function readConditions() {
    const script = document.getElementById('survey-conditions');
    if (!script) return {};
    try {
      const conditions = JSON.parse(script.textContent);
      return conditions !== null && typeof conditions === 'object' ? conditions : null;
    } catch (error) {
      return null;  // unreadable: leave every question shown, as without the script
    }
  }

  function setShown(container, shown) {
    if (container.hidden === !shown) return;
    container.hidden = !shown;
    // Disabled fields are not posted, so a hidden answer never reaches the server.
    container.querySelectorAll('input, textarea, select, button').forEach((field) => {
      field.disabled = !shown;
    });
  }

  /** Show or hide each question in order; return the shown ones and their kept answers. */
  function applyConditions(containers, conditions) {
    const answers = Object.create(null);  // only earlier *visible* questions, as in check_answers
    const shown = [];
    containers.forEach((container) => {
      const id = container.dataset.question;
      const tree = conditions && own(conditions, id) ? conditions[id] : null;
      const visible = tree === null || evaluate(tree, answers);
      setShown(container, visible);
      if (!visible) return;
      const answer = keptAnswer(container, readAnswer(container));
      shown.push({ container: container, answered: answer !== UNANSWERED });
      if (answer !== UNANSWERED) answers[id] = answer;
    });
    return shown;
  }

  function showProgress(form, shown) {
    const box = document.getElementById('progress');
    const bar = document.getElementById('progress-bar');
    const label = document.getElementById('progress-text');
    if (!box || !bar) return;
    const total = shown.length;
    const answered = shown.filter((entry) => entry.answered).length;
    box.hidden = false;
    bar.max = Math.max(total, 1);  // a progress max must be positive
    bar.value = answered;
    const template = form.dataset.progressTemplate || '%(answered)s / %(total)s';
    const text = template.split('%(answered)s').join(String(answered)).split('%(total)s').join(String(total));
    if (label && label.textContent !== text) label.textContent = text;  // aria-live: say changes only
  }

  /** Number the shown questions 1, 2, 3... so hiding one leaves no gap in the count; the error summary follows. */
  function renumber(shown) {
    const labels = Object.create(null);
    shown.forEach((entry, index) => {
      const label = String(index + 1) + '.';
      labels[entry.container.dataset.question] = label;
      const number = entry.container.querySelector('.question-number');
      if (number) number.textContent = label;
    });
    document.querySelectorAll('[data-number-of]').forEach((number) => {
      const label = labels[number.dataset.numberOf];
      if (label) number.textContent = label;
    });
  }

  function dropConditionNotes(form) {
    form.querySelectorAll('.condition-note').forEach((note) => {
      note.hidden = true;
      const container = note.closest('[data-question]');
      if (!note.id || !container) return;
      const described = [container].concat(Array.from(container.querySelectorAll('[aria-describedby]')));
      described.forEach((element) => {
        const ids = (element.getAttribute('aria-describedby') || '').split(/\s+/);
        if (ids.indexOf(note.id) < 0) return;
        const rest = ids.filter((id) => id !== '' && id !== note.id).join(' ');
        if (rest) element.setAttribute('aria-describedby', rest);
        else element.removeAttribute('aria-describedby');
      });
    });
  }

  function guardSubmit(form) {
    const button = document.getElementById('submit-button');
    if (!button) return;
    form.addEventListener('submit', (event) => {
      // Disabling the button does not cancel this submission; it stops a second one.
      if (!event.defaultPrevented) button.disabled = true;
    });
    // A page restored from the back/forward cache must be usable again.
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) button.disabled = false;
    });
  }

  function start() {
    const form = document.getElementById('survey-form');
    if (form) {
      const conditions = readConditions();
      const containers = Array.from(form.querySelectorAll('[data-question]'));
      if (conditions !== null) dropConditionNotes(form);
      const update = () => {
        const shown = applyConditions(containers, conditions);
        renumber(shown);
        showProgress(form, shown);
      };
      form.addEventListener('input', update);
      form.addEventListener('change', update);
      update();
      guardSubmit(form);
    }
    const summary = document.getElementById('error-summary');
    if (summary) summary.focus();
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { evaluate: evaluate };
  }
  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
}());
