// ServiceClock is the service's "now" in nearly every feature folder.
global using WeComSuccession.Infrastructure;
