-- Names the series of file $file_no in `points` $zone (--zone for a one-region file).
UPDATE points SET zone = $zone WHERE file_no = $file_no;
