-- Restore the foreign keys dropped by this migration.
ALTER TABLE "raw"."shogun_receive" ADD CONSTRAINT "shogun_receive_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "raw"."shogun_shipment" ADD CONSTRAINT "shogun_shipment_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "raw"."shogun_yard" ADD CONSTRAINT "shogun_yard_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stg"."shogun_final_receive" ADD CONSTRAINT "shogun_final_receive_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stg"."shogun_flash_receive" ADD CONSTRAINT "shogun_flash_receive_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stg"."shogun_final_shipment" ADD CONSTRAINT "shogun_final_shipment_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stg"."shogun_flash_shipment" ADD CONSTRAINT "shogun_flash_shipment_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stg"."shogun_final_yard" ADD CONSTRAINT "shogun_final_yard_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stg"."shogun_flash_yard" ADD CONSTRAINT "shogun_flash_yard_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
