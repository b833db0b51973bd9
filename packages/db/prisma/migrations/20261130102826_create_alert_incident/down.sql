DROP TABLE "log"."alert_incident";
