// tests/fhir/client.mjs: exercise the server with a real FHIR client
// library (fhir-kit-client): read, search, create and update.  Arguments:
// BASE_URL TOKEN PATIENT_ID DISTRICT (of the Patient created).  Prints
// TAP lines.
import { Client } from 'fhir-kit-client';

const [base, token, patientId, district] = process.argv.slice(2);
const client = new Client({ baseUrl: `${base}/fhir`, bearerToken: token });

function tap(ok, name, detail) {
	console.log(`${ok ? 'ok' : 'not ok'} - ${name}`);
	if (!ok && detail !== undefined)
		console.log(`#   ${JSON.stringify(detail).slice(0, 400)}`);
}

async function step(name, fn) {
	try {
		await fn();
	} catch (e) {
		tap(false, name, e.response ? e.response.data || e.message : e.message);
	}
}

await step('fhir-kit-client reads a Patient', async () => {
	const p = await client.read({ resourceType: 'Patient', id: patientId });
	tap(p.resourceType === 'Patient' && p.id === patientId, 'fhir-kit-client reads a Patient', p);
});
await step('fhir-kit-client searches Conditions by patient', async () => {
	const b = await client.search({ resourceType: 'Condition', searchParams: { patient: patientId } });
	tap(b.resourceType === 'Bundle' && b.type === 'searchset' && b.total === 1 &&
	    b.entry[0].resource.resourceType === 'Condition',
	    'fhir-kit-client searches Conditions by patient', b);
});
await step('fhir-kit-client pages a Patient search', async () => {
	const first = await client.search({ resourceType: 'Patient', searchParams: { _count: '1' } });
	const next = await client.search({ resourceType: 'Patient', searchParams: { _count: '1', _offset: '1' } });
	tap(first.total === next.total && first.total > 1 && next.entry.length === 1 &&
	    next.entry[0].resource.id !== first.entry[0].resource.id &&
	    first.link.some(l => l.relation === 'next' && l.url.includes('_offset=1')),
	    'fhir-kit-client pages a Patient search', next);
});
let created;
await step('fhir-kit-client creates a Patient', async () => {
	created = await client.create({
		resourceType: 'Patient',
		body: { resourceType: 'Patient', name: [{ text: '李桂兰' }], gender: 'female', birthDate: '1961-04-02',
			address: [{ district }] },
	});
	tap(created.resourceType === 'Patient' && /^[0-9]+$/.test(created.id), 'fhir-kit-client creates a Patient', created);
});
await step('fhir-kit-client updates the Patient at its version', async () => {
	const body = { ...created, name: [{ text: '李桂芝' }] };
	const updated = await client.update({
		resourceType: 'Patient', id: created.id, body,
		options: { headers: { 'If-Match': `W/"${created.meta.versionId}"` } },
	});
	tap(updated.name[0].text === '李桂芝' && updated.meta.versionId !== created.meta.versionId,
	    'fhir-kit-client updates the Patient at its version', updated);
});
