export { createTeamHandlers } from './team-handlers';
export { teamSessionFor, type TeamSession } from './team-session';
