-- *.skiff files are skiff (also done by require('skiff').setup(), for configs that do not
-- source ftdetect/).
vim.filetype.add({ extension = { skiff = 'skiff' } })
