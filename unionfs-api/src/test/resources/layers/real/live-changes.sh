set -e; cd /data
echo changed > keep.txt; rm modify.txt; rm -rf opq; mkdir opq; echo again > opq/again
mv renamed renamed2; ln hl_a hl_new; echo x >> nhl_1; setfattr -n user.live -v 1 xattr.txt
chmod 0640 perm.txt; mkfifo livefifo; mkdir -p newdir/sub && echo n > newdir/sub/n; rm -rf deep
touch -d "2015-05-05 05:05:05" sticky; echo tmp > /tmp/scratch
