// The photo picker, kept out of the components barrel so the main package (tab pages) does not
// carry it: import it as '@/components/photoPicker'. Taro resolves the relative `./photos` to
// `./photos.weapp.ts` / `./photos.h5.ts` in each build (an '@/' import would skip that lookup).
export { choosePhotos } from './photos'
export type { ChoosePhotosOptions, UploadedPhoto } from './photoTypes'
