/**
 * Demo data loaded on the product's first start, for the invented force "Demo Constabulary".
 *
 * The people are fictional. The reports and the texts of their items are real: they are copied from the
 * public committee papers in ../shared/seeds (HTML tags and the trackers' own "[1]" bullet markers removed,
 * lines broken by page ends rejoined). Items with an owner are assigned on first start (owner, lead and due
 * date, and the owner is emailed); force items without an owner wait for triage; items addressed to national
 * bodies are tracked for awareness only.
 */
import type { ClosureCategory, IsoDate, ItemKind, Role, SourceKind, SourceScope } from '../domain/vocabulary';

export interface DemoPerson {
  key: string;
  name: string;
  email: string;
  roles: Role[];
  department: string;
  jobTitle: string;
}

export interface DemoItem {
  reference: string;
  kind: ItemKind;
  text: string;
  addressedTo: string;
  forTheForce: boolean;
  category: ClosureCategory | null;
  department: string | null;
  ownerKey: string | null;
  leadKey: string | null;
  dueDate: IsoDate | null;
}

export interface DemoReport {
  key: string;
  title: string;
  originator: string;
  kind: SourceKind;
  scope: SourceScope;
  publishedOn: IsoDate;
  items: DemoItem[];
}

/** Paragraphs and bullets of one item, one per line, as the paper sets them out. */
function lines(...parts: string[]): string {
  return parts.join('\n');
}

function bullet(text: string): string {
  return `• ${text}`;
}

/** An item addressed to a national body: tracked for awareness, never triaged or assigned. */
function national(reference: string, kind: ItemKind, addressedTo: string, text: string): DemoItem {
  return {
    reference,
    kind,
    text,
    addressedTo,
    forTheForce: false,
    category: null,
    department: null,
    ownerKey: null,
    leadKey: null,
    dueDate: null,
  };
}

/** A force item not yet assigned: it waits in the corporate development team's triage list. */
function awaitingTriage(
  reference: string,
  kind: ItemKind,
  addressedTo: string,
  category: ClosureCategory,
  department: string,
  text: string,
): DemoItem {
  return { reference, kind, text, addressedTo, forTheForce: true, category, department, ownerKey: null, leadKey: null, dueDate: null };
}

interface Assignment {
  category: ClosureCategory;
  department: string;
  ownerKey: string;
  leadKey: string;
  dueDate: IsoDate;
}

/** A force item assigned on first start: the owner receives the task by email. */
function assigned(reference: string, kind: ItemKind, addressedTo: string, assignment: Assignment, text: string): DemoItem {
  return { reference, kind, text, addressedTo, forTheForce: true, ...assignment };
}

const PUBLIC_PROTECTION = 'Public Protection';
const CUSTODY = 'Custody and Criminal Justice';
const OPERATIONAL_SUPPORT = 'Operational Support';
const PROFESSIONAL_STANDARDS = 'Professional Standards';
const CRIME_AND_OPERATIONS = 'Crime and Operations';
const FINANCE = 'Finance';
const INFORMATION_MANAGEMENT = 'Information Management';

export const demoPeople: DemoPerson[] = [
  {
    key: 'hwhitcombe',
    name: 'Hannah Whitcombe',
    email: 'hannah.whitcombe@demo-constabulary.police.uk',
    roles: ['administrator'],
    department: 'Corporate Development',
    jobTitle: 'Corporate Development Officer (Audit and Inspection)',
  },
  {
    key: 'rokafor',
    name: 'Rachel Okafor',
    email: 'rachel.okafor@demo-constabulary.police.uk',
    roles: ['liaison_lead'],
    department: 'Corporate Development',
    jobTitle: 'HMICFRS Force Liaison Lead',
  },
  {
    key: 'shartley',
    name: 'Simon Hartley',
    email: 'simon.hartley@demo-constabulary.police.uk',
    roles: ['dcc'],
    department: 'Chief Officer Team',
    jobTitle: 'Deputy Chief Constable',
  },
  {
    key: 'jmerrick',
    name: 'Joanna Merrick',
    email: 'joanna.merrick@demo-constabulary.police.uk',
    roles: ['lead'],
    department: CRIME_AND_OPERATIONS,
    jobTitle: 'Assistant Chief Constable, Crime and Operations',
  },
  {
    key: 'gosei',
    name: 'Graham Osei',
    email: 'graham.osei@demo-constabulary.police.uk',
    roles: ['lead'],
    department: CUSTODY,
    jobTitle: 'Chief Superintendent, Head of Custody and Criminal Justice',
  },
  {
    key: 'nhaskins',
    name: 'Nadia Haskins',
    email: 'nadia.haskins@demo-constabulary.police.uk',
    roles: ['lead', 'action_owner'],
    department: PUBLIC_PROTECTION,
    jobTitle: 'Detective Superintendent, Head of Public Protection',
  },
  {
    key: 'tellery',
    name: 'Tom Ellery',
    email: 'tom.ellery@demo-constabulary.police.uk',
    roles: ['action_owner'],
    department: PUBLIC_PROTECTION,
    jobTitle: 'Detective Chief Inspector, Public Protection Unit',
  },
  {
    key: 'lbrannigan',
    name: 'Lucy Brannigan',
    email: 'lucy.brannigan@demo-constabulary.police.uk',
    roles: ['action_owner'],
    department: CUSTODY,
    jobTitle: 'Chief Inspector, Custody Manager',
  },
  {
    key: 'icarrow',
    name: 'Ian Carrow',
    email: 'ian.carrow@demo-constabulary.police.uk',
    roles: ['action_owner'],
    department: OPERATIONAL_SUPPORT,
    jobTitle: 'Chief Inspector, Roads Policing',
  },
  {
    key: 'radebayo',
    name: 'Ruth Adebayo',
    email: 'ruth.adebayo@demo-constabulary.police.uk',
    roles: ['action_owner'],
    department: PROFESSIONAL_STANDARDS,
    jobTitle: 'Detective Chief Inspector, Counter Corruption Unit',
  },
  {
    key: 'apemberton',
    name: 'Andrew Pemberton',
    email: 'andrew.pemberton@demo-constabulary.police.uk',
    roles: ['finance_director', 'lead'],
    department: FINANCE,
    jobTitle: 'Assistant Chief Officer, Director of Finance',
  },
  {
    key: 'slindqvist',
    name: 'Sarah Lindqvist',
    email: 'sarah.lindqvist@demo-constabulary.police.uk',
    roles: ['action_owner'],
    department: FINANCE,
    jobTitle: 'Head of Finance Services',
  },
  {
    key: 'dmoorcroft',
    name: 'Derek Moorcroft',
    email: 'derek.moorcroft@demo-constabulary.police.uk',
    roles: ['action_owner'],
    department: CRIME_AND_OPERATIONS,
    jobTitle: 'Archive & Exhibits Manager',
  },
  {
    key: 'mholloway',
    name: 'Margaret Holloway',
    email: 'margaret.holloway@demo-constabulary.police.uk',
    roles: ['viewer'],
    department: 'Joint Audit and Scrutiny Panel',
    jobTitle: 'Independent Member, Joint Audit and Scrutiny Panel',
  },
];

/** Seed 002: police super-complaint, published 17 December 2020. */
const immigrationSuperComplaint: DemoReport = {
  key: 'super-complaint-immigration-2020',
  title: 'Police super-complaint: police data sharing for immigration purposes',
  originator: 'HMICFRS, College of Policing and IOPC',
  kind: 'super_complaint',
  scope: 'national',
  publishedOn: '2020-12-17',
  items: [
    assigned(
      '1',
      'recommendation',
      'Chief constables',
      { category: 3, department: PUBLIC_PROTECTION, ownerKey: 'tellery', leadKey: 'nhaskins', dueDate: '2027-02-12' },
      lines(
        "As an interim measure, pending the outcome of recommendation 2, where officers only have concerns or doubts about a victim's immigration status, we recommend that they immediately stop sharing information on domestic abuse victims with Immigration Enforcement. Instead, police officers should link the victim to a third party that can provide advice and assistance, as set out in recommendation 4 (on the creation of safe reporting pathways).",
        "This applies where police officers have doubts about a victim's immigration status, not where they have evidence that an offence has been committed. The College of Policing will immediately develop guidance for the police service to clarify this aspect of practice.",
      ),
    ),
    national(
      '2',
      'recommendation',
      'Home Office',
      lines(
        'Review the legal framework and policy underpinning the matters raised in this super-complaint with the aim of providing clarification to the police service, other public services and immigration authorities on priorities regarding all migrant victims and witnesses of crime with insecure immigration status.',
        'The review should address the wider matters of public policy raised in this super-complaint as well as those relating to policing and domestic abuse. It should include consideration of the interim measure outlined in recommendation 1, associated guidance and further consideration of a mechanism for establishing a firewall between police and immigration enforcement services for all migrant victims of crime with insecure immigration status. It should determine a working definition of a firewall in this context with reference to the conclusions of this report, international examples of such practice and any relevant academic research. The review should identify the correct basis on which any proposed firewall should be implemented.',
        'The effect of the review should be to establish safe reporting mechanisms for all migrant victims and witnesses, including those with insecure immigration status, in accessing the police service. The review should be conducted in consultation with victim and survivor representative groups, practitioners and other interested parties. The Home Office should publish a report that sets out its considerations and conclusions, and includes an equality impact assessment, within six months of the date of publication of this super-complaint report.',
      ),
    ),
    awaitingTriage(
      '4',
      'recommendation',
      'Chief constables',
      3,
      PUBLIC_PROTECTION,
      lines(
        'With reference to recommendation 1, and in consultation/collaboration with local or national specialist organisations, chief constables should take steps to ensure that all migrant victims and witnesses of crime are effectively supported through safe reporting pathways to the police and other statutory agencies. They should:',
        bullet('ensure there is a proper policy and practice framework in place for officers to work within;'),
        bullet(
          'develop victim and witness support policies that reflect the characteristics of the safeguarding protocol set out in recommendation 3, and:',
        ),
        bullet(
          'draw on all relevant national guidance with particular reference to the Code of Practice for Victims of Crime and data protection legislation;',
        ),
        bullet(
          'are developed in partnership with and include pathways to the relevant specialist organisations for supporting victims and witnesses with insecure immigration status;',
        ),
        bullet('are clear about the circumstances in which information will be shared by police with immigration enforcement;'),
        bullet('provide clarity about the purpose of sharing information at different points of the pathway; and'),
        bullet(
          'explicitly recognise the importance of telling victims, witnesses and supporting agencies whether information will be shared with Immigration Enforcement, and if so, when and in what circumstances.',
        ),
        bullet(
          'promote understanding among police officers and staff to differentiate between responses to victims of modern slavery/human trafficking and victims of domestic abuse;',
        ),
        bullet(
          'promote awareness within their forces of any existing pathways to specialist organisations for supporting victims with insecure immigration status;',
        ),
        bullet(
          'ensure the policy and practice framework is adopted by all officers and staff who come into contact with victims of crime who have insecure immigration status; and',
        ),
        bullet('promote police engagement in regular outreach community work, as highlighted as good practice in this report.'),
      ),
    ),
    awaitingTriage(
      '5',
      'recommendation',
      'Chief constables and police and crime commissioners',
      2,
      PUBLIC_PROTECTION,
      "With reference to recommendation 1, pending the developments outlined in other recommendations, and in consultation/collaboration with local or national specialist organisations, chief constables and police and crime commissioners should take steps, through the appropriate channels, to promote migrant victims' and witnesses' confidence in reporting crimes to the police through safe reporting pathways, without fear of prioritised immigration control.",
    ),
    national(
      '9',
      'action',
      'College of Policing',
      'Work with interested parties to consider how domestic abuse risk assessment tools used by the police and partner organisations can include immigration status as a risk factor.',
    ),
  ],
};

/** Seed 002 (and 001): joint national report by HMICFRS and HMCPSI, published 8 December 2020. */
const preChargeBail: DemoReport = {
  key: 'pre-charge-bail-2020',
  title: 'Pre-charge bail and released under investigation: striking a balance',
  originator: 'HMICFRS and HMCPSI',
  kind: 'joint_inspection',
  scope: 'national',
  publishedOn: '2020-12-08',
  items: [
    national(
      '1',
      'recommendation',
      'Home Office',
      'The Home Office should work with police and the College of Policing to review the legislation for bail and RUI. The bail consultation completed in 2020 should provide evidence for reviewing who must authorise bail and time frames for bail extensions. The learning from this report should inform this work.',
    ),
    national(
      '6',
      'recommendation',
      'College of Policing',
      'The College of Policing should work with the NPCC to ensure that clear guidance is developed for officers in relation to updating suspects who are RUI on the progression of their cases.',
    ),
    assigned(
      '8',
      'recommendation',
      'Forces',
      { category: 3, department: CUSTODY, ownerKey: 'lbrannigan', leadKey: 'gosei', dueDate: '2027-01-29' },
      'Forces should develop processes and systems to clearly show whether suspects are on bail or RUI. This will help them to better understand the risk a suspect poses to victims and the wider community and will help to increase safeguarding.',
    ),
    assigned(
      '9',
      'recommendation',
      'Forces',
      { category: 2, department: CUSTODY, ownerKey: 'lbrannigan', leadKey: 'gosei', dueDate: '2027-06-30' },
      'Forces should record whether a suspect is on bail or RUI on the MG3 form when it is submitted to the CPS. This should be regularly checked and any changes in bail or RUI provided to the CPS. The CPS should work with the police to ensure this information is provided.',
    ),
    national(
      '10',
      'recommendation',
      'CPS and NPCC',
      'The CPS and NPCC should work together to review their service level agreements and make sure that cases can be charged at the earliest opportunity.',
    ),
  ],
};

/** Seed 002 (and 001): national report by HMICFRS, published 15 July 2020. */
const roadsPolicing: DemoReport = {
  key: 'roads-policing-2020',
  title: 'Roads Policing: Not optional - An inspection of roads policing in England and Wales',
  originator: 'HMICFRS',
  kind: 'inspection',
  scope: 'national',
  publishedOn: '2020-07-15',
  items: [
    assigned(
      '6',
      'recommendation',
      'Chief constables',
      { category: 3, department: OPERATIONAL_SUPPORT, ownerKey: 'icarrow', leadKey: 'jmerrick', dueDate: '2027-09-30' },
      lines(
        'With immediate effect, chief constables should make sure:',
        bullet(
          'their force has enough analytical capability (including that provided by road safety partnerships) to identify risks and threats on the road network within their force area;',
        ),
        bullet('that information shared by partners relating to road safety is used effectively to reduce those risks and threats; and'),
        bullet('there is evaluation of road safety initiatives to establish their effectiveness.'),
      ),
    ),
    national(
      '11',
      'recommendation',
      'College of Policing',
      lines(
        'By 1 August 2021, the College of Policing should include a serious collision investigation module for completion along with the Professionalising Investigation Programme. This should include:',
        bullet('minimum national training standards; and'),
        bullet('certification for all serious collision investigators.'),
        'Chief constables should make sure that all serious collision investigators in their force are then trained to those standards.',
      ),
    ),
    assigned(
      '14',
      'area_for_improvement',
      'The force',
      { category: 2, department: OPERATIONAL_SUPPORT, ownerKey: 'icarrow', leadKey: 'jmerrick', dueDate: '2027-04-30' },
      'Force-level support to national roads policing operations and intelligence structure is an area for improvement.',
    ),
    awaitingTriage(
      '15',
      'area_for_improvement',
      'The force',
      2,
      OPERATIONAL_SUPPORT,
      'The efficient and effective exchange of all collision data with other relevant bodies is an area for improvement.',
    ),
    assigned(
      '16',
      'area_for_improvement',
      'The force',
      { category: 2, department: OPERATIONAL_SUPPORT, ownerKey: 'icarrow', leadKey: 'jmerrick', dueDate: '2026-12-18' },
      'The awareness and understanding of the changes in the Professionalising Investigation Programme within police forces is an area for improvement.',
    ),
  ],
};

/** Seed 002: force report by HMICFRS, published May 2019. */
const peel2018: DemoReport = {
  key: 'peel-2018-19',
  title: 'PEEL 2018/2019',
  originator: 'HMICFRS',
  kind: 'inspection',
  scope: 'force',
  publishedOn: '2019-05-01',
  items: [
    assigned(
      '2',
      'area_for_improvement',
      'The force',
      { category: 3, department: PUBLIC_PROTECTION, ownerKey: 'nhaskins', leadKey: 'jmerrick', dueDate: '2027-03-31' },
      'The force should implement a process to get feedback from vulnerable victims.',
    ),
    assigned(
      '11',
      'area_for_improvement',
      'The force',
      { category: 4, department: PROFESSIONAL_STANDARDS, ownerKey: 'radebayo', leadKey: 'jmerrick', dueDate: '2027-10-29' },
      lines(
        'The force should ensure that its counter-corruption unit:',
        bullet('has enough capability and capacity to counter corruption effectively and proactively;'),
        bullet(
          "can fully monitor all of its computer systems, including mobile data, to proactively identify data breaches, protect the force's data and identify computer misuse; and",
        ),
        bullet('builds effective relationships with individuals and organisations that support and work with vulnerable people.'),
      ),
    ),
  ],
};

/** Seed 002: force report by HMICFRS, published August 2019. */
const crimeDataIntegrity: DemoReport = {
  key: 'crime-data-integrity-2019',
  title: 'Crime Data Integrity inspection 2019',
  originator: 'HMICFRS',
  kind: 'inspection',
  scope: 'force',
  publishedOn: '2019-08-01',
  items: [
    awaitingTriage(
      '5',
      'area_for_improvement',
      'The force',
      3,
      INFORMATION_MANAGEMENT,
      'The force should immediately improve its collection and analysis of equality data through its crime reporting and recording systems',
    ),
    assigned(
      '6',
      'area_for_improvement',
      'The force',
      { category: 3, department: CUSTODY, ownerKey: 'lbrannigan', leadKey: 'gosei', dueDate: '2027-05-28' },
      'The force should immediately improve its use of cannabis warnings, penalty notices for disorder and community resolutions, to make sure it only issues them in accordance with national guidance.',
    ),
  ],
};

/** Seed 003: national report by HMIC, published July 2015; it makes areas for attention, not recommendations. */
const inHarmsWay: DemoReport = {
  key: 'in-harms-way-2015',
  title: "In harm's way: The role of the police in keeping children safe",
  originator: 'HMIC',
  kind: 'inspection',
  scope: 'national',
  publishedOn: '2015-07-01',
  items: [
    assigned(
      '1',
      'area_for_attention',
      'Forces',
      { category: 2, department: PUBLIC_PROTECTION, ownerKey: 'tellery', leadKey: 'nhaskins', dueDate: '2027-08-31' },
      lines(
        'At present senior officers do not know the outcomes for children following on from police activity. Nor do they know enough about the experiences and views of children who have been in contact with the police in order to inform service development.',
        'Information systems are poorly integrated and inputting data takes up considerable time that might be more usefully spent on investigations and enquiries. In failing to record basic data accurately such as the age, gender and ethnicity of children, police forces are unable to demonstrate they operate without discrimination.',
      ),
    ),
    awaitingTriage(
      '2',
      'area_for_attention',
      'Forces',
      2,
      PUBLIC_PROTECTION,
      lines(
        'The second area relates to increased police use of data and information in the management of crime and offenders. For example, inter-agency approaches which use police data to identify and target for intervention the most serious and prolific offenders are relevant to child protection, especially in cases of repeat domestic violence.',
        'Similarly, the data analysis approaches that can identify those most at risk of repeat vulnerability (as currently used in domestic burglary) may be useful in child protection work. Better crime mapping could target police preventive efforts by identifying localities or communities of greatest risk.',
      ),
    ),
    awaitingTriage(
      '4',
      'area_for_attention',
      'Forces',
      1,
      PUBLIC_PROTECTION,
      lines(
        "More attention needs to be given by senior officers to the practice on the ground. Not only should they receive reports about outcomes and children's experience, they should also go and see for themselves what is happening in police cells, on the street and in interactions with children and how the day to day details of the job promote or hamper their high level aspirations for policing.",
        'Statistics that provide data on levels of arrests or convictions are not helpful unless accompanied by details about who is being arrested, charged and prosecuted. The findings of these reports suggest that children, perhaps because of their vulnerability, are at risk of being charged inappropriately with domestic abuse offences or with wasting police time when they withhold information or change their evidence.',
      ),
    ),
  ],
};

/**
 * Seed 004: internal audit by Mazars, February 2016. The paper prints its actions without numbers, so they are
 * referenced here in the order logged ("Action 1"...); the names of the real staff that head some actions are left out.
 */
const coreFinancials: DemoReport = {
  key: 'mazars-core-financials-2016',
  title: 'Core Financials February 2016',
  originator: 'Mazars',
  kind: 'internal_audit',
  scope: 'force',
  publishedOn: '2016-02-01',
  items: [
    assigned(
      'Action 1',
      'action',
      'The force',
      { category: 2, department: FINANCE, ownerKey: 'slindqvist', leadKey: 'apemberton', dueDate: '2027-01-15' },
      'Review and update map and desk instructions. Introduce a regular updating process to include revisions to instructions to be communicated to all relevant staff',
    ),
    assigned(
      'Action 2',
      'action',
      'The force',
      { category: 2, department: FINANCE, ownerKey: 'slindqvist', leadKey: 'apemberton', dueDate: '2027-03-31' },
      'Review the process of journal checking and introduce a periodic independent check to negate invalid or inaccurate journals being processed. Refresh the appropriate policy or procedure and communicate to relevant staff.',
    ),
    assigned(
      'Action 3',
      'action',
      'The force',
      { category: 2, department: FINANCE, ownerKey: 'slindqvist', leadKey: 'apemberton', dueDate: '2027-07-30' },
      'Checklist to be introduced. In mitigation the development of extracts from HR for upload into ePayfact has been accelerated and the team have been reminded in the interim of the care that needs to be taken when carrying out secondary checks.',
    ),
    awaitingTriage(
      'Action 4',
      'action',
      'The force',
      2,
      FINANCE,
      'Review service requests to identify if there is an adequate checking process in place to ensure that all requests for unpaid leave are actioned in a timely manner. The review should also comment upon that service requests are timely allocated to Payroll to allow records to be updated and the Payroll closed.',
    ),
  ],
};

/** Seed 004: internal audit by Mazars, January 2016; actions unnumbered in the paper, referenced in order. */
const proceedsOfCrime: DemoReport = {
  key: 'mazars-proceeds-of-crime-2016',
  title: 'Proceeds of Crime Act January 2016',
  originator: 'Mazars',
  kind: 'internal_audit',
  scope: 'force',
  publishedOn: '2016-01-01',
  items: [
    assigned(
      'Action 1',
      'action',
      'The force',
      { category: 2, department: CRIME_AND_OPERATIONS, ownerKey: 'dmoorcroft', leadKey: 'apemberton', dueDate: '2027-02-26' },
      'Review the process of reconciliation of POCA accounting records and funds, and ensure that full analysis of balances on all POCA financial accounting system control accounts are reconciled at the earliest opportunity.',
    ),
    assigned(
      'Action 2',
      'action',
      'The force',
      { category: 2, department: CRIME_AND_OPERATIONS, ownerKey: 'dmoorcroft', leadKey: 'apemberton', dueDate: '2027-11-30' },
      'Carry out a review to understand the level of resources required to report annually on activity against historic plans and refresh future forecasts and plans accordingly.',
    ),
  ],
};

export const demoReports: DemoReport[] = [
  immigrationSuperComplaint,
  preChargeBail,
  roadsPolicing,
  peel2018,
  crimeDataIntegrity,
  inHarmsWay,
  coreFinancials,
  proceedsOfCrime,
];
